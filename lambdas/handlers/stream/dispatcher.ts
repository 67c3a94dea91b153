/**
 * Stream consumer: sends each new queued delivery (transactional outbox). A throttled delivery
 * is released with a lease due when it may go again: the sweeper dispatches it then, so its
 * record is done. Any other retryable failure throws, so its record is reported as a batch item
 * failure and retried (past its retries, the sweeper still finds the delivery by its lease).
 */
import { decodeDelivery } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';
import { dispatchDelivery, RetryLater, type DispatchDeps } from '../../use-cases/dispatch.js';
import { dispatchDeps, flushDeliveryMetrics } from '../../wiring.js';
import { streamHandler, type StreamHandler } from './stream-handler.js';

export const dispatcher = (deps: DispatchDeps) =>
  streamHandler(decodeDelivery, async (delivery) => {
    const ids = { conversationId: delivery.conversationId, messageId: delivery.messageId, channel: delivery.channel };
    try {
      logger.info('delivery dispatched', { ...ids, outcome: await dispatchDelivery(deps, delivery) });
    } catch (error) {
      if (error instanceof RetryLater && error.throttled) {
        logger.info('delivery throttled: waits for the sweeper', { ...ids, delayMs: error.delayMs });
        return;
      }
      logger.warn('delivery not settled', { ...ids, errorName: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  });

const dispatch = dispatcher(dispatchDeps);
/** Each batch's delivery metrics are published (EMF) when it ends. */
export const handler: StreamHandler = async (event, context) => {
  try {
    return await dispatch(event, context);
  } finally {
    flushDeliveryMetrics();
  }
};
