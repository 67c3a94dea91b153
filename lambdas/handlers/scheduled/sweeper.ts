/**
 * Scheduled every minute (EventBridge Scheduler on AWS, a timer in the local runtime): the
 * delivery sweeper. Metrics (EMF) are flushed at the end of each run.
 */
import { logger } from '../../logger.js';
import { sweepDeliveries } from '../../use-cases/sweep.js';
import type { DispatchDeps } from '../../use-cases/dispatch.js';
import { dispatchDeps, flushDeliveryMetrics } from '../../wiring.js';

export const sweeper = (deps: DispatchDeps, flush: () => void = () => undefined) => async () => {
  try {
    const result = await sweepDeliveries(deps);
    if (result.found > 0) logger.warn('deliveries past their lease', { ...result });
    return result;
  } finally {
    flush();
  }
};

export const handler = sweeper(dispatchDeps, flushDeliveryMetrics);
