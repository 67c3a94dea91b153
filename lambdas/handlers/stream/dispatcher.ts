/**
 * Stream consumer: sends each new queued delivery (transactional outbox). A delivery that should
 * be retried throws, so its record is reported as a batch item failure; the event source retries
 * it and, past its retries, parks it in the dead-letter queue.
 */
import { decodeDelivery } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';
import { dispatchDelivery, type DispatchDeps } from '../../use-cases/dispatch.js';
import { dispatchDeps } from '../../wiring.js';
import { streamHandler } from './stream-handler.js';

export const dispatcher = (deps: DispatchDeps) =>
  streamHandler(decodeDelivery, async (delivery) => {
    const ids = { conversationId: delivery.conversationId, messageId: delivery.messageId, channel: delivery.channel };
    try {
      logger.info('delivery dispatched', { ...ids, outcome: await dispatchDelivery(deps, delivery) });
    } catch (error) {
      logger.warn('delivery not settled', { ...ids, errorName: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  });

export const handler = dispatcher(dispatchDeps);
