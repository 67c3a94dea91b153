/**
 * Outbound delivery on the local runtime: the stream poller feeds the dispatcher exactly as the
 * table stream feeds it on AWS; SMS and WhatsApp land in the local outbox, email in the SES
 * emulator. Faults are aimed at one recipient so parallel tests never meet them.
 */
import { describe, expect, it } from 'vitest';
import { call, newPractice, eventually, outbox } from './api-client.js';
import { freshPhone } from './fixtures.js';

async function setup(patientExtra: Record<string, unknown>) {
  const p = await newPractice();
  const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
  const patient = await p.patient(patientExtra);
  return { p, staff, patient };
}

async function deliveryOf(token: string, conversationId: string, index = 0) {
  const res = await call('GET', `/v1/conversations/${conversationId}/messages`, { token });
  return res.body.items[index].deliveries as { channel: string; status: string; error?: string; purpose: string; address: string }[];
}

describe('Outbound delivery', () => {
  it('a portal message to a patient sends a notification email with no message content', async () => {
    const email = `notify.${Date.now()}@example.com`;
    const { staff, patient } = await setup({ email });
    const secret = 'Your biopsy results are ready';
    const res = await call('POST', '/v1/conversations', {
      token: staff.token,
      body: { channel: 'portal', subject: 'Lab results', participants: [{ type: 'patient', id: patient.id }], body: `${secret}, please call us.` },
    });
    expect(res.status).toBe(201);
    const mails = await eventually('the notification email', () => outbox('email', email), (m) => m.length > 0);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body).not.toContain(secret);
    expect(mails[0]!.subject).not.toContain('Lab results');
    expect(mails[0]!.body).toMatch(/sign in to the patient portal/i);
    const deliveries = await eventually('the notification delivery to be sent', () => deliveryOf(staff.token, res.body.conversation.id), (ds) => ds.find((d) => d.purpose === 'notification')?.status === 'sent');
    expect(deliveries.find((d) => d.channel === 'portal')?.status).toBe('delivered');
  });

  it('an SMS reaches the outbox exactly once and its delivery is sent', async () => {
    const phone = freshPhone();
    const { staff, patient } = await setup({ phone });
    const res = await call('POST', '/v1/conversations', {
      token: staff.token,
      body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body: 'Reminder: cleaning tomorrow 10:00' },
    });
    await eventually('sent', () => deliveryOf(staff.token, res.body.conversation.id), (ds) => ds[0]?.status === 'sent');
    const sms = await outbox('sms', phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toBe('Reminder: cleaning tomorrow 10:00');
  });

  it('a block made after the message was queued but before dispatch wins: blocked, nothing sent', async () => {
    const phone = freshPhone();
    const { staff, patient } = await setup({ phone });
    await call('POST', '/dev/stream', { body: { paused: true } });
    let conversationId: string;
    try {
      const res = await call('POST', '/v1/conversations', {
        token: staff.token,
        body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body: 'Queued before the block' },
      });
      conversationId = res.body.conversation.id;
      expect(res.body.message.deliveries[0].status).toBe('queued');
      const block = await call('POST', '/v1/blocks', { token: staff.token, body: { type: 'phone', value: phone } });
      expect(block.status).toBe(201);
    } finally {
      await call('POST', '/dev/stream', { body: { paused: false } });
    }
    await eventually('blocked at dispatch', () => deliveryOf(staff.token, conversationId), (ds) => ds[0]?.status === 'blocked');
    expect(await outbox('sms', phone)).toHaveLength(0);
  });

  it('an injected provider throttle is retried and the message is then delivered once', async () => {
    const phone = freshPhone();
    const { staff, patient } = await setup({ phone });
    await call('POST', '/dev/faults', {
      body: { channel: 'sms', to: phone, faults: [{ ok: false, retryable: true, reason: 'throttled' }, { ok: false, retryable: true, reason: 'throttled' }] },
    });
    const res = await call('POST', '/v1/conversations', {
      token: staff.token,
      body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body: 'Retried until it goes' },
    });
    await eventually('sent after retries', () => deliveryOf(staff.token, res.body.conversation.id), (ds) => ds[0]?.status === 'sent');
    expect(await outbox('sms', phone)).toHaveLength(1);
  });

  it('a permanent provider failure ends as failed with its reason, and nothing is retried', async () => {
    const phone = freshPhone();
    const { staff, patient } = await setup({ phone });
    await call('POST', '/dev/faults', { body: { channel: 'sms', to: phone, faults: [{ ok: false, retryable: false, reason: 'invalid_parameter' }] } });
    const res = await call('POST', '/v1/conversations', {
      token: staff.token,
      body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body: 'This one cannot go' },
    });
    const ds = await eventually('failed', () => deliveryOf(staff.token, res.body.conversation.id), (d) => d[0]?.status === 'failed');
    expect(ds[0]!.error).toBe('invalid_parameter');
    expect(await outbox('sms', phone)).toHaveLength(0);
  });

  it('a crash after the provider accepted the message does not send it again', async () => {
    const phone = freshPhone();
    const { staff, patient } = await setup({ phone });
    await call('POST', '/dev/faults', { body: { channel: 'sms', to: phone, faults: [{ crashAfterSend: true }] } });
    const res = await call('POST', '/v1/conversations', {
      token: staff.token,
      body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body: 'Sent once, then the process died' },
    });
    await eventually('the one send', () => outbox('sms', phone), (m) => m.length === 1);
    // The stream record is retried (the crash failed it); a second send must not happen. Send a
    // later message to the same number and wait for it: by then every retry of the first is done.
    const later = await call('POST', `/v1/conversations/${res.body.conversation.id}/messages`, { token: staff.token, body: { body: 'A later message' } });
    expect(later.status).toBe(201);
    await eventually('the later message', () => outbox('sms', phone), (m) => m.some((x) => x.body === 'A later message'));
    // Records of one conversation share a shard and are handled in order, retries included: once
    // the later message is out, the crashed record has had every retry it will get.
    const sent = await outbox('sms', phone);
    expect(sent.filter((x) => x.body === 'Sent once, then the process died')).toHaveLength(1);
    const ds = await deliveryOf(staff.token, res.body.conversation.id);
    expect(ds[0]!.status).not.toBe('sent');
  });

  it('WhatsApp goes to the WhatsApp number when there is one', async () => {
    const phone = freshPhone();
    const whatsapp = freshPhone();
    const { staff, patient } = await setup({ phone, whatsapp });
    const res = await call('POST', '/v1/conversations', {
      token: staff.token,
      body: { channel: 'whatsapp', participants: [{ type: 'patient', id: patient.id }], body: 'Hello on WhatsApp' },
    });
    await eventually('sent', () => deliveryOf(staff.token, res.body.conversation.id), (ds) => ds[0]?.status === 'sent');
    expect(await outbox('whatsapp', whatsapp)).toHaveLength(1);
    expect(await outbox('whatsapp', phone)).toHaveLength(0);
  });
});
