/**
 * The sweeper (every minute on a schedule; a timer in the local runtime): finds every delivery
 * whose lease has run out through the sparse `leases` index. A `queued` one (its stream record or
 * its queue message was lost) is put on the delivery queue again, the same path as a new one;
 * a `sending` one may have reached the provider, so it ends `failed: outcome_unknown` and is
 * never sent again. Each stuck send is counted (`stuck`), which alarms.
 *
 * While the queue has messages waiting (its consumers are behind: a large broadcast at the
 * provider's rate), a queued delivery past its lease is most likely among them: it is left as it
 * is (no lease renewed, nothing enqueued again) until the queue has caught up, when one that is
 * still queued is put on it again. Without this, every delivery of a broadcast that waits longer
 * than a lease was renewed and queued once more per lease (a write and a message each time).
 */
import { endUnknown, type DispatchDeps } from './dispatch.js';
import type { DeliveryRef } from './delivery-ports.js';
import { noMetrics } from './delivery-ports.js';
import type { DeliveryQueue } from './delivery-queue.js';

export interface SweepResult {
  found: number;
  /** Queued deliveries put on the delivery queue again. */
  redispatched: number;
  outcomeUnknown: number;
  /** Queued deliveries left alone because the queue had messages waiting. */
  waitingInQueue: number;
}

export type SweepDeps = Pick<DispatchDeps, 'store' | 'now' | 'leaseMs' | 'metrics' | 'broadcastSettled'> & { queue: DeliveryQueue };

/** At most this many deliveries per run; the next run takes the rest. */
export const SWEEP_LIMIT = 500;

export async function sweepDeliveries(deps: SweepDeps, limit = SWEEP_LIMIT): Promise<SweepResult> {
  const metrics = deps.metrics ?? noMetrics;
  const nowMs = deps.now().getTime();
  const overdue = await deps.store.overdue(new Date(nowMs).toISOString(), limit);
  // Asked only when something queued is overdue (most runs find nothing).
  const waiting = overdue.some((d) => d.status === 'queued') ? ((await deps.queue.waiting?.()) ?? 0) : 0;
  const result: SweepResult = { found: overdue.length, redispatched: 0, outcomeUnknown: 0, waitingInQueue: 0 };
  const again: DeliveryRef[] = [];
  for (const d of overdue) {
    if (d.status === 'sending') {
      if (!d.sendingSince || nowMs - Date.parse(d.sendingSince) <= deps.leaseMs) continue;
      metrics.count('stuck', 'any');
      if (await endUnknown(deps, { ...d, sendingSince: d.sendingSince })) result.outcomeUnknown++;
      continue;
    }
    if (waiting > 0) {
      result.waitingInQueue++;
      continue;
    }
    // Queued: renew the lease first, so a run that dies before the enqueue does not lose it either.
    if (!(await deps.store.renewLease(d, new Date(nowMs + deps.leaseMs).toISOString()))) continue;
    again.push({ practiceId: d.practiceId, conversationId: d.conversationId, sk: d.sk });
  }
  if (again.length > 0) await deps.queue.enqueue(again);
  result.redispatched = again.length;
  return result;
}
