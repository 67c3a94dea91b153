/** Contract tests of the broadcast fan-out's writes and of the dispatcher reading a carried text (the exact requests). */
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

process.env.TABLE_NAME ??= 'unit';
const ddb = mockClient(DynamoDBDocumentClient);
const { writeRecipients, alreadyWritten } = await import('../../../lambdas/adapters/dynamo/broadcast-recipients.js');
const { DynamoDeliveryStore } = await import('../../../lambdas/adapters/dynamo/delivery-repository.js');
const { conversationIdOf } = await import('../../../lambdas/use-cases/broadcasts.js');
// The table the adapters were configured with (whatever the shared worker's environment said).
const { tableName } = await import('../../../lambdas/adapters/dynamo/client.js');
type BroadcastRecord = import('../../../lambdas/use-cases/broadcasts.js').BroadcastRecord;

const P = 'practice-1';
const broadcast = (over: Partial<BroadcastRecord> = {}): BroadcastRecord => ({
  id: 'bcast-1', channel: 'sms', subject: null, body: 'Closed on Friday.', sender: { id: 'staff-1', name: 'Robin', role: 'receptionist' },
  status: 'preparing', recipients: null, excluded: null, counts: { queued: 0, sent: 0, delivered: 0, failed: 0, blocked: 0, suppressed: 0 }, createdAt: '2026-11-30T12:00:00.000Z', ...over,
});
const pat = { type: 'patient' as const, id: 'patient-1', name: 'Pat', address: '+12025550100', notify: null };
const con = { type: 'contact' as const, id: 'contact-1', name: 'Sam', address: '+12025550101', notify: null };

const puts = (i: number) => ((ddb.commandCalls(BatchWriteCommand)[i]!.args[0].input.RequestItems![tableName] ?? []) as { PutRequest: { Item: Record<string, unknown> } }[]).map((r) => r.PutRequest.Item);

beforeEach(() => {
  ddb.reset();
  ddb.on(BatchWriteCommand).resolves({});
});

describe('Broadcast recipients (DynamoDB requests)', () => {
  it('writes each recipient under keys derived from the broadcast and the recipient: items first, then the deliveries, in BatchWriteItem calls', async () => {
    await writeRecipients(P, broadcast(), [pat, con], new Set());
    const calls = ddb.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    const conv = conversationIdOf('bcast-1', pat);
    expect(conv).toMatch(/^bcast-1-[0-9a-f]{20}$/);
    expect(puts(0).map((i) => `${i['type']} ${i['sk']}`)).toEqual([
      'Conversation META', `Message MSG#${conv}-m`, 'ParticipantState PART#patient#patient-1', `Correspondence CORR#${conv}-m`,
      'Conversation META', `Message MSG#${conversationIdOf('bcast-1', con)}-m`, `ContactMessage MSG#2026-11-30T12:00:00.000Z#${conversationIdOf('bcast-1', con)}-m`,
    ]);
    const deliveries = puts(1);
    expect(deliveries.map((d) => d['type'])).toEqual(['Delivery', 'Delivery']);
    expect(deliveries[0]).toMatchObject({ pk: `P#${P}#CONV#${conv}`, sk: `DLV#${conv}-m#000`, status: 'queued', channel: 'sms', address: '+12025550100', broadcastId: 'bcast-1', text: 'Closed on Friday.' });
    expect(deliveries[0]!['leasePk']).toBeDefined();
  });

  it('carries the text only on short SMS and WhatsApp deliveries (never email, never a long body)', async () => {
    await writeRecipients(P, broadcast({ channel: 'email', subject: 'Hours' }), [{ ...pat, address: 'pat@example.com' }], new Set());
    await writeRecipients(P, broadcast({ body: 'x'.repeat(401) }), [pat], new Set());
    expect(puts(1)[0]).not.toHaveProperty('text');
    expect(puts(3)[0]).not.toHaveProperty('text');
  });

  it('finds who was written by the first delivery key, read consistently, keys only', async () => {
    const conv = conversationIdOf('bcast-1', pat);
    ddb.on(BatchGetCommand).resolves({ Responses: { [tableName]: [{ pk: `P#${P}#CONV#${conv}` }] } });
    expect(await alreadyWritten(P, broadcast(), [pat, con])).toEqual(new Set(['patient#patient-1']));
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![tableName]).toMatchObject({ ConsistentRead: true, ProjectionExpression: 'pk', Keys: [{ pk: `P#${P}#CONV#${conv}`, sk: `DLV#${conv}-m#000` }, expect.anything()] });
  });

  it("the dispatcher sends a delivery's carried text without reading the message", async () => {
    const store = new DynamoDeliveryStore();
    const content = await store.content({ practiceId: P, conversationId: 'c', sk: 'DLV#m#000', messageId: 'm', channel: 'sms', address: '+12025550100', purpose: 'message', text: 'Closed on Friday.' });
    expect(content).toEqual({ subject: null, body: 'Closed on Friday.' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});
