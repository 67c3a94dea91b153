/**
 * The settled broadcast deliveries of one dispatcher batch, summed per broadcast: the batch adds
 * them to each broadcast once (`ADD counts.sent :n, counts.queued :-n`) instead of one write of
 * the broadcast item per delivery (a hot key: about 1,000 writes a second on AWS).
 *
 * With a TallyStore (delivery-ports.ts) the count cannot be lost: the batch opens one tally per
 * practice before its first send, each outcome is stamped with it, and the close adds the counts
 * and deletes the tally in one transaction; a batch that dies first leaves its tally open and the
 * sweeper closes it (sweepTallies). Without one, the sums go through `broadcastSettled`.
 */
import { ulid } from 'ulid';
import type { BroadcastCount, DeliveryRef, TallyStore } from './delivery-ports.js';

/** How a broadcast delivery settled, as its broadcast counts it. */
export type Settled = 'sent' | 'failed' | 'blocked' | 'suppressed';

/** What counting needs of the dispatcher's dependencies (the dispatcher's have both). */
export interface TallyDeps {
  /** Open tallies of batches: with it a batch's count survives the batch dying before it. */
  tallies?: TallyStore;
  /** Adds settled broadcast deliveries to their broadcast: one call per broadcast per batch, the outcomes summed. */
  broadcastSettled?: (practiceId: string, broadcastId: string, outcomes: Partial<Record<Settled, number>>) => Promise<void>;
}

export class BroadcastTally {
  private readonly byPractice = new Map<string, Map<string, BroadcastCount>>();
  /** The open tally of each practice of the batch (TallyStore). */
  private readonly open = new Map<string, string>();

  /** Opens a tally per practice for these claimed broadcast deliveries (before any send); a no-op without a store. */
  async openFor(store: TallyStore | undefined, deliveries: readonly (DeliveryRef & { broadcastId?: string })[], leaseDue: string): Promise<void> {
    if (!store) return;
    const byPractice = new Map<string, DeliveryRef[]>();
    for (const d of deliveries) if (d.broadcastId) byPractice.set(d.practiceId, [...(byPractice.get(d.practiceId) ?? []), d]);
    await Promise.all(
      [...byPractice].map(async ([practiceId, refs]) => {
        const id = ulid();
        await store.open(practiceId, id, refs.map(({ practiceId: p, conversationId, sk }) => ({ practiceId: p, conversationId, sk })), leaseDue);
        this.open.set(practiceId, id);
      }),
    );
  }

  /** The tally that will count this delivery's outcome (stamped on it by the finish), if one is open. */
  idFor(d: { practiceId: string; broadcastId?: string }): string | undefined {
    return d.broadcastId ? this.open.get(d.practiceId) : undefined;
  }

  add(practiceId: string, broadcastId: string, outcome: Settled): void {
    const counts = this.byPractice.get(practiceId) ?? new Map<string, BroadcastCount>();
    const c = counts.get(broadcastId) ?? { broadcastId, outcomes: {} };
    c.outcomes[outcome] = (c.outcomes[outcome] ?? 0) + 1;
    counts.set(broadcastId, c);
    this.byPractice.set(practiceId, counts);
  }

  /** Closes every open tally (with its counts, or none) and adds the other counts through `broadcastSettled`; emptied first, so it counts once. */
  async flush(deps: TallyDeps): Promise<void> {
    const byPractice = new Map(this.byPractice);
    const open = new Map(this.open);
    this.byPractice.clear();
    this.open.clear();
    const calls: Promise<unknown>[] = [];
    for (const [practiceId, id] of open) calls.push(deps.tallies!.close(practiceId, id, [...(byPractice.get(practiceId)?.values() ?? [])]));
    const count = deps.broadcastSettled;
    for (const [practiceId, counts] of byPractice) {
      if (open.has(practiceId) || !count) continue;
      for (const c of counts.values()) calls.push(count(practiceId, c.broadcastId, c.outcomes));
    }
    await Promise.all(calls);
  }
}

/** Every tally left open past its lease (its batch died after an outcome, before the count): closed with the outcomes stamped with its id. */
export async function sweepTallies(deps: { tallies: TallyStore; now: () => Date }, limit = 100): Promise<{ closed: number }> {
  const open = await deps.tallies.overdue(deps.now().toISOString(), limit);
  let closed = 0;
  for (const t of open) if (await deps.tallies.close(t.practiceId, t.tallyId, await deps.tallies.finishedUnder(t))) closed++;
  return { closed };
}
