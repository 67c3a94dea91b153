/** A dispatcher batch: one block/suppression read for every claimed address, one count per broadcast, each delivery's rules kept. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatchBatch, RetryLater, type DispatchDeps } from '../../../lambdas/use-cases/dispatch.js';
import type { QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import { InMemoryDeliveryStore, scriptedSenders } from './dispatch-fakes.js';
import { sweepDeliveries } from '../../../lambdas/use-cases/sweep.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

let store: InMemoryDeliveryStore;
let senders: ReturnType<typeof scriptedSenders>;
let settled: ReturnType<typeof vi.fn<NonNullable<DispatchDeps['broadcastSettled']>>>;
let deps: DispatchDeps;

const sms = (i: number, over: Partial<QueuedDelivery> = {}): QueuedDelivery => ({
  practiceId: 'practice-1',
  conversationId: `conv-${i}`,
  messageId: `msg-${i}`,
  sk: `MSG#msg-${i}#D#0`,
  channel: 'sms',
  address: `+1555555${String(1000 + i)}`,
  purpose: 'message',
  broadcastId: 'b-1',
  text: 'Closed on Friday.',
  ...over,
});

beforeEach(() => {
  store = new InMemoryDeliveryStore();
  senders = scriptedSenders();
  settled = vi.fn(async () => {});
  deps = { store, senders, now: () => new Date(NOW), maxAttempts: 3, leaseMs: 300_000, broadcastSettled: settled };
});

describe('Dispatch: a batch', () => {
  it('reads the blocks and suppressions of every claimed address once, and adds each broadcast’s outcomes once (summed)', async () => {
    const ds = Array.from({ length: 10 }, (_, i) => store.add(sms(i)));
    store.add(sms(10, { broadcastId: 'b-2' }));
    store.block('practice-1', 'phone', ds[3]!.address!);
    await store.suppress('practice-1', 'phone', ds[4]!.address!, 'opted_out');
    const results = await dispatchBatch(deps, [...ds, sms(10, { broadcastId: 'b-2' }), ds[0]!]);
    expect(results.map((r) => ('outcome' in r ? r.outcome : 'error'))).toEqual(['sent', 'sent', 'sent', 'blocked', 'suppressed', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'skipped']);
    expect(store.barrierReads).toBe(1);
    expect(senders.sms.sent).toHaveLength(9);
    expect(settled.mock.calls.sort()).toEqual([
      ['practice-1', 'b-1', { sent: 8, blocked: 1, suppressed: 1 }],
      ['practice-1', 'b-2', { sent: 1 }],
    ]);
  });

  it('a block made after queueing, before the batch, wins for that delivery alone', async () => {
    const ds = [store.add(sms(1)), store.add(sms(2))];
    store.block('practice-1', 'phone', ds[1]!.address!);
    const results = await dispatchBatch(deps, ds);
    expect(results).toEqual([{ outcome: 'sent' }, { outcome: 'blocked' }]);
    expect(senders.sms.sent.map((m) => m.to)).toEqual([ds[0]!.address]);
  });

  it('the block check is made after the claims: a block written while claiming still wins', async () => {
    const ds = [store.add(sms(1)), store.add(sms(2))];
    const claim = store.claim.bind(store);
    store.claim = async (...args) => {
      const c = await claim(...args);
      store.block('practice-1', 'phone', ds[0]!.address!);
      return c;
    };
    expect(await dispatchBatch(deps, ds)).toEqual([{ outcome: 'blocked' }, { outcome: 'sent' }]);
  });

  it('a failed block read releases every claim of the batch (nothing sent, no attempt used) and counts nothing', async () => {
    const ds = [store.add(sms(1)), store.add(sms(2))];
    store.barriers = async () => {
      throw Object.assign(new Error('throttled read'), { name: 'ProvisionedThroughputExceededException' });
    };
    const results = await dispatchBatch(deps, ds);
    expect(results.every((r) => 'error' in r && (r.error as Error).message === 'throttled read')).toBe(true);
    for (const d of ds) expect(store.stored(d)).toMatchObject({ status: 'queued', attempts: 0, lastError: 'dispatch_error' });
    expect(senders.sms.sent).toHaveLength(0);
    expect(settled).not.toHaveBeenCalled();
  });

  it('each delivery keeps its own result: a throttle waits (not counted), a sender crash stays sending, the others are counted', async () => {
    const ds = [store.add(sms(1)), store.add(sms(2)), store.add(sms(3))];
    senders.sms.answer({ ok: false, retryable: true, reason: 'throttled' }, new Error('process died'));
    const results = await dispatchBatch(deps, ds);
    const errors = results.filter((r): r is { error: unknown } => 'error' in r).map((r) => r.error);
    expect(errors).toHaveLength(2);
    expect(errors.some((e) => e instanceof RetryLater)).toBe(true);
    expect(errors.some((e) => (e as Error).message === 'process died')).toBe(true);
    expect(results.filter((r) => 'outcome' in r)).toEqual([{ outcome: 'sent' }]);
    expect(settled.mock.calls).toEqual([['practice-1', 'b-1', { sent: 1 }]]);
  });
});

describe('Dispatch: the claim keeps the lease the delivery has', () => {
  it('a delivery queued past its first lease, claimed and left sending, is ended by the sweeper only a lease after its claim', async () => {
    const d = store.add(sms(1), { leaseDue: new Date(NOW - 60_000).toISOString() });
    senders.sms.answer(new Error('process died'));
    await dispatchBatch(deps, [d]);
    expect(store.stored(d)).toMatchObject({ status: 'sending', leaseDue: new Date(NOW - 60_000).toISOString() });
    const queue = { enqueue: vi.fn(async () => {}), delay: async () => {} };
    expect(await sweepDeliveries({ ...deps, queue })).toMatchObject({ found: 1, outcomeUnknown: 0 });
    const later = { ...deps, now: () => new Date(NOW + 300_001), queue };
    expect(await sweepDeliveries(later)).toMatchObject({ outcomeUnknown: 1 });
    expect(store.stored(d)).toMatchObject({ status: 'failed', error: 'outcome_unknown' });
    expect(senders.sms.sent).toHaveLength(1);
    expect(queue.enqueue).not.toHaveBeenCalled();
  });
});
