/** Contract tests: a start's or reply's short SMS or WhatsApp text rides on its delivery (the exact TransactWriteItems request). */
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

process.env.TABLE_NAME ??= 'unit';
const ddb = mockClient(DynamoDBDocumentClient);
const { sendPlan } = await import('../../../lambdas/adapters/dynamo/send-transaction.js');
type SendPlan = import('../../../lambdas/use-cases/conversations/ports.js').SendPlan;

const P = 'practice-1';
const at = '2026-11-30T12:00:00.000Z';

function plan(channel: 'sms' | 'whatsapp' | 'email', body: string, attachments: SendPlan['message']['attachments'] = []): SendPlan {
  const staff = { type: 'staff' as const, id: 'staff-1' };
  const patient = { type: 'patient' as const, id: 'patient-1' };
  return {
    conversation: {
      id: 'conv-1', kind: 'direct', channel, subject: channel === 'email' ? 'Hours' : null,
      participants: [{ ...staff, name: 'Robin', role: 'receptionist' }, { ...patient, name: 'Pat', role: 'patient' }],
      createdBy: staff, createdAt: at, lastMessageAt: at, lastDirection: 'outbound',
    },
    isNew: true,
    message: {
      id: 'msg-1', conversationId: 'conv-1', channel, direction: 'outbound', author: staff, body, attachments, createdAt: at,
      deliveries: [{ recipient: patient, channel, address: channel === 'email' ? 'pat@example.com' : '+12025550100', status: 'queued', purpose: 'message' }],
    },
    states: [],
    correspondenceOf: [],
    pairs: [],
  };
}

const deliveryPut = () =>
  (ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems ?? [])
    .map((t) => t.Put?.Item)
    .find((i) => i?.['type'] === 'Delivery') as Record<string, unknown>;

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
});

describe('Send transaction: the text a delivery carries', () => {
  it('a short SMS or WhatsApp text rides on its delivery, so the dispatcher reads no message', async () => {
    await sendPlan(P, plan('sms', 'Your appointment is confirmed.'));
    expect(deliveryPut()).toMatchObject({ type: 'Delivery', channel: 'sms', status: 'queued', text: 'Your appointment is confirmed.' });
    ddb.reset();
    ddb.on(TransactWriteCommand).resolves({});
    await sendPlan(P, plan('whatsapp', 'See you soon.'));
    expect(deliveryPut()).toMatchObject({ channel: 'whatsapp', text: 'See you soon.' });
  });

  it('no text on an email delivery, a body over 400 bytes, or a message with files (those read the message)', async () => {
    for (const p of [
      plan('email', 'Hello'),
      plan('sms', 'x'.repeat(401)),
      plan('whatsapp', 'A file for you', [{ id: 'att-1', fileName: 'a.pdf', contentType: 'application/pdf', size: 10, key: 'k' } as never]),
    ]) {
      ddb.reset();
      ddb.on(TransactWriteCommand).resolves({});
      await sendPlan(P, p);
      expect(deliveryPut(), p.message.channel).not.toHaveProperty('text');
    }
  });
});
