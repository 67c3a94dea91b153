/**
 * Scheduled every minute (EventBridge rule on AWS, a timer in the local runtime): the delivery
 * sweeper. It puts overdue queued deliveries back on the delivery queue and ends stuck ones.
 * Metrics (EMF) are flushed at the end of each run.
 */
import { logger } from '../../logger.js';
import { sweepDeliveries, type SweepDeps } from '../../use-cases/sweep.js';
import { flushDeliveryMetrics, sweepDeps } from '../../delivery-wiring.js';

export const sweeper = (deps: SweepDeps, flush: () => void = () => undefined) => async () => {
  try {
    const result = await sweepDeliveries(deps);
    if (result.found > 0) logger.warn('deliveries past their lease', { ...result });
    return result;
  } finally {
    flush();
  }
};

export const handler = sweeper(sweepDeps, flushDeliveryMetrics);
