/**
 * The sweeper (every minute on a schedule; a timer in the local runtime): finds every delivery
 * whose lease has run out through the sparse `leases` index. A `queued` one (its record was lost,
 * or it waited out a throttle) is dispatched again; a `sending` one may have reached the provider,
 * so it ends `failed: outcome_unknown` and is never sent again. Each one found is counted
 * (`stuck`), which alarms.
 */
import { dispatchDelivery, endUnknown, RetryLater, type DispatchDeps } from './dispatch.js';
import { noMetrics } from './delivery-ports.js';

export interface SweepResult {
  found: number;
  redispatched: number;
  outcomeUnknown: number;
}

/** At most this many deliveries per run; the next run takes the rest. */
export const SWEEP_LIMIT = 500;

export async function sweepDeliveries(deps: DispatchDeps, limit = SWEEP_LIMIT): Promise<SweepResult> {
  const metrics = deps.metrics ?? noMetrics;
  const nowMs = deps.now().getTime();
  const overdue = await deps.store.overdue(new Date(nowMs).toISOString(), limit);
  const result: SweepResult = { found: overdue.length, redispatched: 0, outcomeUnknown: 0 };
  for (const d of overdue) {
    if (d.status === 'sending') {
      if (!d.sendingSince || nowMs - Date.parse(d.sendingSince) <= deps.leaseMs) continue;
      metrics.count('stuck', 'any');
      if (await endUnknown(deps, { ...d, sendingSince: d.sendingSince })) result.outcomeUnknown++;
      continue;
    }
    // Queued: renew the lease first, so a run that dies here does not lose it either.
    if (!(await deps.store.renewLease(d, new Date(nowMs + deps.leaseMs).toISOString()))) continue;
    result.redispatched++;
    try {
      await dispatchDelivery(deps, d);
    } catch (error) {
      // Released again (a throttle waits for its new lease; a failure before the hand-over is released at once).
      if (!(error instanceof RetryLater)) metrics.count('released', 'any');
    }
  }
  return result;
}
