/**
 * Scheduled every minute (EventBridge rule on AWS, a timer in the local runtime): the delivery
 * sweeper. It puts overdue queued deliveries back on the delivery queue and ends stuck ones.
 * Metrics (EMF) are flushed at the end of each run.
 */
import { logger } from '../../logger.js';
import { sweepDeliveries, type SweepDeps } from '../../use-cases/sweep.js';
import { sweepTallies } from '../../use-cases/broadcast-tally.js';
import { flushDeliveryMetrics, sweepDeps, tallySweepDeps } from '../../wiring/delivery-state.js';

export const sweeper = (deps: SweepDeps, flush: () => void = () => undefined, tallies?: Parameters<typeof sweepTallies>[0]) => async () => {
  try {
    const result = await sweepDeliveries(deps);
    if (result.redispatched + result.outcomeUnknown > 0) logger.warn('deliveries past their lease', { ...result });
    // A busy queue (a large broadcast): expected, not a fault.
    else if (result.waitingInQueue > 0) logger.info('queued deliveries past their lease wait in a busy queue', { ...result });
    // Broadcast counts of batches that died before counting (after sweepDeliveries ended their stuck sends).
    const counted = tallies ? await sweepTallies(tallies) : { closed: 0 };
    if (counted.closed > 0) logger.warn('broadcast tallies closed by the sweeper', { ...counted });
    return result;
  } finally {
    flush();
  }
};

export const handler = sweeper(sweepDeps, flushDeliveryMetrics, tallySweepDeps);
