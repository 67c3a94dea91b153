/**
 * The delivery pipeline has no silent end (local runtime: stream poller, dispatcher, the sweeper
 * on a one-second timer, a 10-second lease): a claim that fails before the hand-over is released
 * and sent once; an answer lost after the provider took the message ends outcome_unknown and is
 * never re-sent; throttling waits without using up attempts. Faults are aimed at one recipient.
 */
import { describe, expect, it } from 'vitest';
import { call, newPractice, eventually, outbox } from './api-client.js';
import { freshPhone } from './fixtures.js';

type Delivery = { channel: string; status: string; error?: string };

async function smsTo(phone: string, body: string) {
  const p = await newPractice();
  const staff = await p.staff('receptionist', ['send_messages']);
  const patient = await p.patient({ phone });
  const res = await call('POST', '/v1/conversations', {
    token: staff.token,
    body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body },
  });
  expect(res.status).toBe(201);
  const deliveries = async (): Promise<Delivery[]> =>
    (await call('GET', `/v1/conversations/${res.body.conversation.id}/messages`, { token: staff.token })).body.items[0].deliveries;
  return { deliveries };
}

const settledAs = (status: string) => (ds: Delivery[]) => ds[0]?.status === status;

describe('Delivery pipeline: no silent end', () => {
  it('a dispatcher crash after the claim, before the hand-over, releases the delivery at once: it is sent, once', async () => {
    const phone = freshPhone();
    await call('POST', '/dev/faults', { body: { dispatcherCrash: { to: phone, count: 2 } } });
    const { deliveries } = await smsTo(phone, 'Released, then sent');
    await eventually('sent after the crashes', deliveries, settledAs('sent'));
    expect(await outbox('sms', phone)).toHaveLength(1);
  });

  it('a timeout after the provider accepted ends failed: outcome_unknown and is never sent again', async () => {
    const phone = freshPhone();
    await call('POST', '/dev/faults', { body: { channel: 'sms', to: phone, faults: [{ timeoutAfterAccept: true }] } });
    const { deliveries } = await smsTo(phone, 'Taken, answer lost');
    const ds = await eventually('outcome_unknown', deliveries, settledAs('failed'));
    expect(ds[0]!.error).toBe('outcome_unknown');
    await call('POST', '/dev/sweep');
    expect(await outbox('sms', phone)).toHaveLength(1);
  });

  it('a crash after the hand-over leaves it sending; the sweeper ends it outcome_unknown past the lease, never re-sent', async () => {
    const phone = freshPhone();
    await call('POST', '/dev/faults', { body: { channel: 'sms', to: phone, faults: [{ crashAfterSend: true }] } });
    const { deliveries } = await smsTo(phone, 'Sent, then the process died');
    const ds = await eventually('the sweeper to end it', deliveries, settledAs('failed'), 40_000);
    expect(ds[0]!.error).toBe('outcome_unknown');
    expect(await outbox('sms', phone)).toHaveLength(1);
  }, 60_000);

  it('a queued delivery whose stream record never came is dispatched by the sweeper past its lease; the late record sends nothing', async () => {
    const phone = freshPhone();
    await call('POST', '/dev/stream', { body: { paused: true } });
    try {
      const { deliveries } = await smsTo(phone, 'Found by the sweeper');
      await eventually('the sweeper to send it', deliveries, settledAs('sent'), 40_000);
    } finally {
      await call('POST', '/dev/stream', { body: { paused: false } });
    }
    // The record arrives now and loses the claim. A later message to another number goes out after it.
    const other = freshPhone();
    const later = await smsTo(other, 'After the late record');
    await eventually('the later message', later.deliveries, settledAs('sent'));
    expect(await outbox('sms', phone)).toHaveLength(1);
  }, 60_000);

  it('throttling waits: more throttles than the attempt limit (5) and it is still sent, once', async () => {
    const phone = freshPhone();
    const throttled = { ok: false, retryable: true, reason: 'throttled' };
    await call('POST', '/dev/faults', { body: { channel: 'sms', to: phone, faults: Array.from({ length: 6 }, () => throttled) } });
    const { deliveries } = await smsTo(phone, 'Waited out the throttle');
    await eventually('sent after six throttles', deliveries, settledAs('sent'), 100_000);
    expect(await outbox('sms', phone)).toHaveLength(1);
  }, 120_000);
});
