import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatchDelivery, PORTAL_NOTIFICATION, RetryLater, type DispatchDeps } from '../../../lambdas/use-cases/dispatch.js';
import type { QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import { inlineQueue, InMemoryDeliveryStore, scriptedSenders } from './dispatch-fakes.js';
import { sweepDeliveries as sweepWith } from '../../../lambdas/use-cases/sweep.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const LEASE_MS = 5 * 60_000;

let store: InMemoryDeliveryStore;
let senders: ReturnType<typeof scriptedSenders>;
let clock: number;
let settled: ReturnType<typeof vi.fn<NonNullable<DispatchDeps['broadcastSettled']>>>;
let deps: DispatchDeps;
let queue: ReturnType<typeof inlineQueue>;
/** The sweeper puts overdue deliveries on the queue; this one dispatches them at once. */
const sweepDeliveries = (d: DispatchDeps) => sweepWith({ ...d, queue });

const sms = (over: Partial<QueuedDelivery> = {}): QueuedDelivery => ({
  practiceId: 'practice-1',
  conversationId: 'conv-1',
  messageId: 'msg-1',
  sk: 'MSG#msg-1#D#0',
  channel: 'sms',
  address: '+15555550123',
  purpose: 'message',
  ...over,
});

beforeEach(() => {
  store = new InMemoryDeliveryStore();
  senders = scriptedSenders();
  clock = NOW;
  settled = vi.fn(async () => {});
  deps = { store, senders, now: () => new Date(clock), maxAttempts: 3, leaseMs: LEASE_MS, broadcastSettled: settled };
  queue = inlineQueue(() => deps);
});

describe('Dispatch: claim', () => {
  it('claims a queued delivery (queued → sending), sends it once and records the provider id', async () => {
    const d = store.add(sms());
    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(senders.sms.sent).toEqual([{ deliveryId: 'conv-1/MSG#msg-1#D#0', practiceId: 'practice-1', channel: 'sms', to: '+15555550123', text: 'Your results are ready.' }]);
    expect(store.stored(d)).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: 'pm-1' });
  });

  it('a redelivered stream record loses the claim: nothing is sent twice', async () => {
    const d = store.add(sms());
    await dispatchDelivery(deps, d);
    expect(await dispatchDelivery(deps, d)).toBe('skipped');
    expect(senders.sms.sent).toHaveLength(1);
  });

  it('of two concurrent claims of one delivery, one sends and the other skips', async () => {
    const d = store.add(sms());
    const outcomes = await Promise.all([dispatchDelivery(deps, d), dispatchDelivery(deps, d)]);
    expect(outcomes.sort()).toEqual(['sent', 'skipped']);
    expect(senders.sms.sent).toHaveLength(1);
  });

  it('portal and call deliveries, and deliveries without an address, are not the dispatcher\'s: skipped, not claimed', async () => {
    const portal = store.add(sms({ channel: 'portal', address: null, sk: 'D#portal' }));
    const noAddress = store.add(sms({ address: null, sk: 'D#none' }));
    expect(await dispatchDelivery(deps, portal)).toBe('skipped');
    expect(await dispatchDelivery(deps, noAddress)).toBe('skipped');
    expect(store.stored(portal)?.status).toBe('queued');
    expect(store.stored(noAddress)?.status).toBe('queued');
  });
});

describe('Dispatch: lease (a crash after the hand-over is never re-sent)', () => {
  it('a delivery found sending within its lease is left alone and not re-sent', async () => {
    const sendingAt = new Date(NOW - LEASE_MS + 1000).toISOString();
    const d = store.add(sms(), { status: 'sending', attempts: 1, sendingAt });
    expect(await dispatchDelivery(deps, d)).toBe('skipped');
    expect(senders.sms.sent).toHaveLength(0);
    expect(store.stored(d)).toMatchObject({ status: 'sending', sendingAt });
  });

  it('past its lease it ends failed with outcome_unknown, still not re-sent', async () => {
    const d = store.add(sms(), { status: 'sending', attempts: 1, sendingAt: new Date(NOW - LEASE_MS - 1).toISOString() });
    expect(await dispatchDelivery(deps, d)).toBe('failed');
    expect(senders.sms.sent).toHaveLength(0);
    expect(store.stored(d)).toMatchObject({ status: 'failed', error: 'outcome_unknown' });
  });

  it('a sender that throws (crash mid-send) leaves the delivery sending; a retry of the record does not send again', async () => {
    const d = store.add(sms());
    senders.sms.answer(new Error('process died'));
    await expect(dispatchDelivery(deps, d)).rejects.toThrow('process died');
    expect(store.stored(d)?.status).toBe('sending');
    expect(await dispatchDelivery(deps, d)).toBe('skipped');
    clock += LEASE_MS + 1;
    expect(await dispatchDelivery(deps, d)).toBe('failed');
    expect(senders.sms.sent).toHaveLength(1);
    expect(store.stored(d)).toMatchObject({ status: 'failed', error: 'outcome_unknown' });
  });
});

describe('Dispatch: blocks and opt-outs at dispatch time', () => {
  it('an address blocked after the message was queued is blocked at dispatch: nothing sent', async () => {
    const d = store.add(sms());
    store.block('practice-1', 'phone', '+15555550123');
    expect(await dispatchDelivery(deps, d)).toBe('blocked');
    expect(senders.sms.sent).toHaveLength(0);
    expect(store.stored(d)?.status).toBe('blocked');
  });

  it('an email block applies to email only; a phone block to SMS and WhatsApp', async () => {
    store.block('practice-1', 'phone', '+15555550123');
    const email = store.add(sms({ channel: 'email', address: '+15555550123', sk: 'D#e' }));
    const whatsapp = store.add(sms({ channel: 'whatsapp', sk: 'D#w' }));
    expect(await dispatchDelivery(deps, email)).toBe('sent');
    expect(await dispatchDelivery(deps, whatsapp)).toBe('blocked');
  });

  it('a provider opt-out suppresses the address: this delivery and the next ones end suppressed', async () => {
    const first = store.add(sms());
    senders.sms.answer({ ok: false, retryable: false, reason: 'opted_out' });
    expect(await dispatchDelivery(deps, first)).toBe('suppressed');
    expect(store.stored(first)).toMatchObject({ status: 'suppressed', error: 'opted_out' });
    expect(store.suppressions.get('practice-1|phone:+15555550123')).toBe('opted_out');

    const next = store.add(sms({ messageId: 'msg-2', sk: 'MSG#msg-2#D#0' }));
    expect(await dispatchDelivery(deps, next)).toBe('suppressed');
    expect(senders.sms.sent).toHaveLength(1);
  });
});

describe('Dispatch: content', () => {
  it('a portal notification carries the no-content notice, never the message', async () => {
    const d = store.add(sms({ channel: 'email', address: 'pat@example.com', purpose: 'notification' }));
    store.messages.clear();
    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(senders.email.sent[0]).toMatchObject({ subject: PORTAL_NOTIFICATION.subject, text: PORTAL_NOTIFICATION.text });
  });

  it('an email takes the conversation subject; a message deleted before it went out fails message_deleted', async () => {
    const d = store.add(sms({ channel: 'email', address: 'pat@example.com' }));
    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(senders.email.sent[0]).toMatchObject({ subject: 'Results', text: 'Your results are ready.' });

    const gone = store.add(sms({ messageId: 'msg-gone', sk: 'D#gone' }));
    store.messages.delete('msg-gone');
    expect(await dispatchDelivery(deps, gone)).toBe('failed');
    expect(store.stored(gone)).toMatchObject({ status: 'failed', error: 'message_deleted' });
    expect(senders.sms.sent).toHaveLength(0);
  });
});

describe('Dispatch: retries', () => {
  it('a retryable failure releases the delivery and asks for a retry; the retry sends it once', async () => {
    const d = store.add(sms());
    senders.sms.answer({ ok: false, retryable: true, reason: 'provider_unavailable' });
    await expect(dispatchDelivery(deps, d)).rejects.toBeInstanceOf(RetryLater);
    expect(store.stored(d)).toMatchObject({ status: 'queued', lastError: 'provider_unavailable' });

    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(store.stored(d)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(senders.sms.sent).toHaveLength(2);
    expect(await dispatchDelivery(deps, d)).toBe('skipped');
  });

  it('retries end at maxAttempts: failed with retries_exhausted', async () => {
    const d = store.add(sms());
    senders.sms.answer(...Array.from({ length: 3 }, () => ({ ok: false as const, retryable: true, reason: 'provider_unavailable' })));
    await expect(dispatchDelivery(deps, d)).rejects.toBeInstanceOf(RetryLater);
    await expect(dispatchDelivery(deps, d)).rejects.toBeInstanceOf(RetryLater);
    expect(await dispatchDelivery(deps, d)).toBe('failed');
    expect(store.stored(d)).toMatchObject({ status: 'failed', attempts: 3, error: 'retries_exhausted:provider_unavailable' });
  });

  it('a permanent failure fails at once with the provider\'s reason', async () => {
    const d = store.add(sms());
    senders.sms.answer({ ok: false, retryable: false, reason: 'invalid_number' });
    expect(await dispatchDelivery(deps, d)).toBe('failed');
    expect(store.stored(d)).toMatchObject({ status: 'failed', attempts: 1, error: 'invalid_number' });
  });
});

describe('Dispatch: broadcast counters', () => {
  it('each settled broadcast delivery is counted once on its broadcast, by outcome', async () => {
    const sent = store.add(sms({ broadcastId: 'b-1', sk: 'D#1' }));
    const blocked = store.add(sms({ broadcastId: 'b-1', sk: 'D#2', address: '+15555550999' }));
    store.block('practice-1', 'phone', '+15555550999');
    await dispatchDelivery(deps, sent);
    await dispatchDelivery(deps, blocked);
    await dispatchDelivery(deps, sent); // redelivered: skipped, not counted
    expect(settled.mock.calls).toEqual([
      ['practice-1', 'b-1', { sent: 1 }],
      ['practice-1', 'b-1', { blocked: 1 }],
    ]);
  });

  it('a retry is not counted until the delivery settles; a delivery outside a broadcast is never counted', async () => {
    const d = store.add(sms({ broadcastId: 'b-1' }));
    senders.sms.answer({ ok: false, retryable: true, reason: 'throttled' });
    await expect(dispatchDelivery(deps, d)).rejects.toBeInstanceOf(RetryLater);
    expect(settled).not.toHaveBeenCalled();
    await dispatchDelivery(deps, d);
    expect(settled.mock.calls).toEqual([['practice-1', 'b-1', { sent: 1 }]]);

    await dispatchDelivery(deps, store.add(sms({ sk: 'D#plain' })));
    expect(settled).toHaveBeenCalledTimes(1);
  });
});

const throttle = { ok: false as const, retryable: true, reason: 'throttled' };

describe('Dispatch: a claim that fails before the hand-over is released at once', () => {
  it('a throw in the block check releases the delivery (queued, attempt given back) and rethrows; the next dispatch sends it once', async () => {
    const d = store.add(sms());
    const barriers = store.barriers.bind(store);
    store.barriers = async () => { throw Object.assign(new Error('throttled read'), { name: 'ProvisionedThroughputExceededException' }); };
    await expect(dispatchDelivery(deps, d)).rejects.toThrow('throttled read');
    expect(store.stored(d)).toMatchObject({ status: 'queued', attempts: 0, lastError: 'dispatch_error' });
    expect(senders.sms.sent).toHaveLength(0);
    store.barriers = barriers;
    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(store.stored(d)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(senders.sms.sent).toHaveLength(1);
  });

  it('a throw reading the content releases it too', async () => {
    const d = store.add(sms());
    store.content = async () => { throw new Error('read timed out'); };
    await expect(dispatchDelivery(deps, d)).rejects.toThrow('read timed out');
    expect(store.stored(d)?.status).toBe('queued');
  });
});

describe('Dispatch: an ambiguous provider result is never re-sent', () => {
  it('a timeout after the request left ends failed: outcome_unknown at once; a redelivery sends nothing', async () => {
    const d = store.add(sms());
    senders.sms.answer({ ok: false, retryable: true, reason: 'timeout', ambiguous: true });
    expect(await dispatchDelivery(deps, d)).toBe('failed');
    expect(store.stored(d)).toMatchObject({ status: 'failed', error: 'outcome_unknown' });
    expect(await dispatchDelivery(deps, d)).toBe('skipped');
    expect(senders.sms.sent).toHaveLength(1);
  });

  it('a connection reset after the request left is the same; a connection that never opened is retried', async () => {
    const reset = store.add(sms({ sk: 'D#reset' }));
    const refused = store.add(sms({ sk: 'D#refused' }));
    senders.sms.answer({ ok: false, retryable: true, reason: 'network_error', ambiguous: true }, { ok: false, retryable: true, reason: 'network_error' });
    expect(await dispatchDelivery(deps, reset)).toBe('failed');
    await expect(dispatchDelivery(deps, refused)).rejects.toBeInstanceOf(RetryLater);
    expect(store.stored(refused)?.status).toBe('queued');
  });
});

describe('Dispatch: throttling waits', () => {
  it('a throttle releases the delivery without using an attempt, with a lease due after a growing delay', async () => {
    const d = store.add(sms());
    senders.sms.answer(throttle);
    const first = await dispatchDelivery(deps, d).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RetryLater);
    expect(first).toMatchObject({ throttled: true });
    expect(store.stored(d)).toMatchObject({ status: 'queued', attempts: 0, lastError: 'throttled', throttledSince: new Date(NOW).toISOString() });
    expect(Date.parse(store.stored(d)!.leaseDue!)).toBeGreaterThan(NOW);
    // The queue brings it back after the wait; the lease (the sweeper's backup) is one lease later.
    expect(store.stored(d)!.leaseDue).toBe(new Date(NOW + (first as RetryLater).delayMs + LEASE_MS).toISOString());

    clock += 60 * 60_000; // an hour of throttling: the wait has grown
    senders.sms.answer(throttle);
    const later = (await dispatchDelivery(deps, d).catch((e: unknown) => e)) as RetryLater;
    expect(later.delayMs).toBeGreaterThan((first as RetryLater).delayMs);
    expect(later.delayMs).toBeLessThanOrEqual(15 * 60_000);
    expect(store.stored(d)?.attempts).toBe(0);
  });

  it('more throttles than maxAttempts do not fail it; it is sent once the provider takes it', async () => {
    const d = store.add(sms());
    senders.sms.answer(throttle, throttle, throttle, throttle, throttle);
    for (let i = 0; i < 5; i++) await expect(dispatchDelivery(deps, d)).rejects.toBeInstanceOf(RetryLater);
    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(store.stored(d)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('after a day of throttling it fails with retries_exhausted:throttled', async () => {
    const d = store.add(sms());
    senders.sms.answer(throttle, throttle);
    await expect(dispatchDelivery(deps, d)).rejects.toBeInstanceOf(RetryLater);
    clock += 24 * 60 * 60_000;
    expect(await dispatchDelivery(deps, d)).toBe('failed');
    expect(store.stored(d)).toMatchObject({ status: 'failed', error: 'retries_exhausted:throttled' });
  });
});

describe('Sweeper: deliveries past their lease', () => {
  it('a queued delivery whose lease ran out (its record was lost) is dispatched again and sent once', async () => {
    const d = store.add(sms(), { leaseDue: new Date(NOW - 1).toISOString() });
    expect(await sweepDeliveries(deps)).toEqual({ found: 1, redispatched: 1, outcomeUnknown: 0, waitingInQueue: 0 });
    expect(store.stored(d)?.status).toBe('sent');
    expect(store.stored(d)?.leaseDue).toBeUndefined();
    expect(await sweepDeliveries(deps)).toEqual({ found: 0, redispatched: 0, outcomeUnknown: 0, waitingInQueue: 0 });
    expect(senders.sms.sent).toHaveLength(1);
  });

  it('a queued delivery past its lease goes back on the delivery queue (its key fields only); the sweeper sends nothing itself', async () => {
    const d = store.add(sms({ broadcastId: 'b-1' }), { leaseDue: new Date(NOW - 1).toISOString() });
    const enqueued: unknown[] = [];
    const result = await sweepWith({ ...deps, queue: { enqueue: async (refs) => void enqueued.push(...refs), delay: async () => {} } });
    expect(result).toEqual({ found: 1, redispatched: 1, outcomeUnknown: 0, waitingInQueue: 0 });
    expect(enqueued).toEqual([{ practiceId: d.practiceId, conversationId: d.conversationId, sk: d.sk }]);
    expect(senders.sms.sent).toHaveLength(0);
    expect(store.stored(d)).toMatchObject({ status: 'queued', leaseDue: new Date(NOW + LEASE_MS).toISOString() });
  });

  it('a sending delivery past its lease ends failed: outcome_unknown and is not sent again', async () => {
    const sendingAt = new Date(NOW - LEASE_MS - 1).toISOString();
    const d = store.add(sms(), { status: 'sending', attempts: 1, sendingAt, leaseDue: new Date(NOW - 1).toISOString() });
    expect(await sweepDeliveries(deps)).toEqual({ found: 1, redispatched: 0, outcomeUnknown: 1, waitingInQueue: 0 });
    expect(store.stored(d)).toMatchObject({ status: 'failed', error: 'outcome_unknown' });
    expect(senders.sms.sent).toHaveLength(0);
  });

  it('leases not yet due are left alone', async () => {
    const d = store.add(sms(), { leaseDue: new Date(NOW + 1000).toISOString() });
    expect((await sweepDeliveries(deps)).found).toBe(0);
    expect(store.stored(d)?.status).toBe('queued');
  });

  it('a throttled delivery comes back through the sweeper once its wait is over', async () => {
    const d = store.add(sms());
    senders.sms.answer(throttle);
    await expect(dispatchDelivery(deps, d)).rejects.toBeInstanceOf(RetryLater);
    expect((await sweepDeliveries(deps)).found).toBe(0);
    clock = Date.parse(store.stored(d)!.leaseDue!) + 1;
    expect(await sweepDeliveries(deps)).toMatchObject({ redispatched: 1 });
    expect(store.stored(d)?.status).toBe('sent');
  });

  it('a sender crash leaves it sending; the sweeper ends it outcome_unknown after the lease, never re-sent', async () => {
    const d = store.add(sms());
    senders.sms.answer(new Error('process died'));
    await expect(dispatchDelivery(deps, d)).rejects.toThrow('process died');
    clock += LEASE_MS + 1;
    expect(await sweepDeliveries(deps)).toMatchObject({ outcomeUnknown: 1 });
    expect(store.stored(d)).toMatchObject({ status: 'failed', error: 'outcome_unknown' });
    expect(senders.sms.sent).toHaveLength(1);
  });

  it('while the queue has messages waiting (a broadcast at the provider\'s rate), a queued delivery past its lease is left alone; a stuck send is still ended; once the queue has caught up, it goes back on the queue', async () => {
    const waitingOne = store.add(sms({ sk: 'MSG#msg-1#D#1' }), { leaseDue: new Date(NOW - 1).toISOString() });
    const stuck = store.add(sms({ sk: 'MSG#msg-1#D#2' }), { status: 'sending', attempts: 1, sendingAt: new Date(NOW - LEASE_MS - 1).toISOString(), leaseDue: new Date(NOW - 2).toISOString() });
    const enqueued: unknown[] = [];
    let waiting = 250;
    const busy = { enqueue: async (refs: readonly unknown[]) => void enqueued.push(...refs), delay: async () => {}, waiting: async () => waiting };
    expect(await sweepWith({ ...deps, queue: busy })).toEqual({ found: 2, redispatched: 0, outcomeUnknown: 1, waitingInQueue: 1 });
    expect(enqueued).toEqual([]);
    // Nothing written for it: the lease it had, the status it had.
    expect(store.stored(waitingOne)).toMatchObject({ status: 'queued', leaseDue: new Date(NOW - 1).toISOString() });
    expect(store.stored(stuck)).toMatchObject({ status: 'failed', error: 'outcome_unknown' });
    waiting = 0;
    expect(await sweepWith({ ...deps, queue: busy })).toEqual({ found: 1, redispatched: 1, outcomeUnknown: 0, waitingInQueue: 0 });
    expect(enqueued).toEqual([{ practiceId: waitingOne.practiceId, conversationId: waitingOne.conversationId, sk: waitingOne.sk }]);
  });

  it('asks the queue how many messages wait only when something queued is overdue', async () => {
    let asked = 0;
    const counting = { enqueue: async () => {}, delay: async () => {}, waiting: async () => (asked++, 0) };
    store.add(sms(), { leaseDue: new Date(NOW + 1000).toISOString() });
    await sweepWith({ ...deps, queue: counting });
    expect(asked).toBe(0);
    clock = NOW + 2000;
    await sweepWith({ ...deps, queue: counting });
    expect(asked).toBe(1);
  });

  it('a broadcast delivery ended by the sweeper is counted failed on its broadcast once', async () => {
    store.add(sms({ broadcastId: 'b-1' }), { status: 'sending', attempts: 1, sendingAt: new Date(NOW - LEASE_MS - 1).toISOString(), leaseDue: new Date(NOW - 1).toISOString() });
    await sweepDeliveries(deps);
    await sweepDeliveries(deps);
    expect(settled.mock.calls).toEqual([['practice-1', 'b-1', { failed: 1 }]]);
  });
});
