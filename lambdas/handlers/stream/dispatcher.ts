/**
 * Stream consumer: puts each new queued delivery a provider sends (transactional outbox) on the
 * delivery queue, its key fields only; the queue consumer (handlers/queue/delivery-consumer.ts)
 * sends. A record that does not decode, or a batch the queue did not take, is reported as a batch
 * item failure and retried (a duplicate message is harmless: the claim sends once).
 */
import type { DynamoDBBatchItemFailure } from 'aws-lambda';
import { decodeDelivery } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';
import { isDispatchable } from '../../use-cases/dispatch.js';
import type { DeliveryRef } from '../../use-cases/delivery-ports.js';
import type { DeliveryQueue } from '../../use-cases/delivery-queue.js';
import { deliveryQueue } from '../../wiring/delivery-queue.js';
import type { StreamHandler } from './stream-handler.js';

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

export const dispatcher =
  (queue: DeliveryQueue): StreamHandler =>
  async (event, context) => {
    logger.addContext(context);
    const failures: DynamoDBBatchItemFailure[] = [];
    const refs: DeliveryRef[] = [];
    const queued: DynamoDBBatchItemFailure[] = [];
    for (const record of event.Records) {
      const itemIdentifier = record.dynamodb?.SequenceNumber ?? '';
      try {
        const d = decodeDelivery(record);
        if (d === null || !isDispatchable(d)) continue;
        refs.push({ practiceId: d.practiceId, conversationId: d.conversationId, sk: d.sk });
        queued.push({ itemIdentifier });
      } catch (error) {
        logger.warn('delivery record not decoded', { itemIdentifier, errorName: errorName(error) });
        failures.push({ itemIdentifier });
      }
    }
    if (refs.length > 0) {
      try {
        await queue.enqueue(refs);
        logger.info('deliveries queued', { count: refs.length });
      } catch (error) {
        logger.warn('deliveries not queued', { count: refs.length, errorName: errorName(error) });
        failures.push(...queued);
      }
    }
    return { batchItemFailures: failures };
  };

export const handler: StreamHandler = dispatcher(deliveryQueue);
