/** A batch's broadcast count with open tallies: counted once whether the batch closes it or dies and the sweeper does. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatchBatch, type DispatchDeps } from '../../../lambdas/use-cases/dispatch.js';
import { sweepTallies } from '../../../lambdas/use-cases/broadcast-tally.js';
import type { QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import { InMemoryDeliveryStore, InMemoryTallyStore, scriptedSenders } from './dispatch-fakes.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const LEASE_MS = 300_000;

let store: InMemoryDeliveryStore;
let tallies: InMemoryTallyStore;
let senders: ReturnType<typeof scriptedSenders>;
let settled: ReturnType<typeof vi.fn<NonNullable<DispatchDeps['broadcastSettled']>>>;
let deps: DispatchDeps;
let clock: number;

const sms = (i: number, over: Partial<QueuedDelivery> = {}): QueuedDelivery => ({
  practiceId: 'practice-1',
  conversationId: `conv-${i}`,
  messageId: `msg-${i}`,
  sk: `MSG#msg-${i}#D#0`,
  channel: 'sms',
  address: `+1555555${String(1000 + i)}`,
  purpose: 'message',
  broadcastId: 'b-1',
  ...over,
});

beforeEach(() => {
  clock = NOW;
  store = new InMemoryDeliveryStore();
  tallies = new InMemoryTallyStore(store);
  senders = scriptedSenders();
  settled = vi.fn(async () => {});
  deps = { store, senders, now: () => new Date(clock), maxAttempts: 3, leaseMs: LEASE_MS, broadcastSettled: settled, tallies };
});

describe('Broadcast tallies', () => {
  it('a batch opens one tally per practice before sending, stamps each outcome with it, and closes it with the sums (nothing else counted)', async () => {
    const ds = [store.add(sms(1)), store.add(sms(2)), store.add(sms(3, { practiceId: 'practice-2' })), store.add(sms(4, { broadcastId: undefined }))];
    store.block('practice-1', 'phone', ds[1]!.address!);
    await dispatchBatch(deps, ds);
    expect(tallies.closes).toBe(2);
    expect(tallies.tallies.size).toBe(0);
    expect(Object.fromEntries(tallies.counts)).toEqual({ 'practice-1|b-1': { sent: 1, blocked: 1 }, 'practice-2|b-1': { sent: 1 } });
    expect(settled).not.toHaveBeenCalled();
    expect(store.stored(ds[0]!)?.tally).toBeDefined();
    expect(store.stored(ds[3]!)?.tally).toBeUndefined();
  });

  it('a batch that dies after its outcomes, before its count, leaves its tally open: the sweeper closes it once, a lease and a half later', async () => {
    const ds = [store.add(sms(1)), store.add(sms(2))];
    senders.sms.answer({ ok: false, retryable: true, reason: 'provider_unavailable' }); // released: not this tally's to count
    const close = tallies.close.bind(tallies);
    tallies.close = async () => {
      throw new Error('process died');
    };
    await expect(dispatchBatch(deps, ds)).rejects.toThrow('process died');
    tallies.close = close;
    expect(tallies.tallies.size).toBe(1);
    expect(await sweepTallies({ tallies, now: () => new Date(clock) })).toEqual({ closed: 0 }); // not yet due

    // The released one is dispatched again by a later batch: counted by that batch's own tally.
    clock += 20_000;
    await dispatchBatch(deps, [ds[0]!]);
    expect(Object.fromEntries(tallies.counts)).toEqual({ 'practice-1|b-1': { sent: 1 } });

    clock = NOW + 1.5 * LEASE_MS + 1;
    expect(await sweepTallies({ tallies, now: () => new Date(clock) })).toEqual({ closed: 1 });
    expect(await sweepTallies({ tallies, now: () => new Date(clock) })).toEqual({ closed: 0 });
    expect(Object.fromEntries(tallies.counts)).toEqual({ 'practice-1|b-1': { sent: 2 } });
    expect(senders.sms.sent).toHaveLength(3);
  });

  it('a tally the sweeper closed is not counted again by a late close of its batch', async () => {
    const ds = [store.add(sms(1))];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const close = tallies.close.bind(tallies);
    tallies.close = async (...args) => {
      await gate;
      return close(...args);
    };
    const batch = dispatchBatch(deps, ds);
    await vi.waitFor(() => expect(store.stored(ds[0]!)?.status).toBe('sent'));
    clock = NOW + 1.5 * LEASE_MS + 1;
    tallies.close = close;
    expect(await sweepTallies({ tallies, now: () => new Date(clock) })).toEqual({ closed: 1 });
    release();
    await batch;
    expect(Object.fromEntries(tallies.counts)).toEqual({ 'practice-1|b-1': { sent: 1 } });
  });
});
