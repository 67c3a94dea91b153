/**
 * The delivery queue's consumer: dispatches the delivery of each message (claim, checks, send,
 * record; dispatch.ts). A delivery to be tried again is not failed: its message is delayed
 * (ChangeMessageVisibility, the growing wait of delivery-backoff.ts; a throttle uses no attempt)
 * and reported as a batch item failure, so SQS hands it back once the delay is over. A message
 * that keeps failing reaches the queue's dead-letter queue (delivery ids only).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeDeliveryRef } from '../../adapters/sqs/delivery-message.js';
import { logger } from '../../logger.js';
import { dispatchDelivery, RetryLater, type DispatchDeps } from '../../use-cases/dispatch.js';
import { afterErrorDelaySeconds, type DeliveryQueue, queueDelaySeconds } from '../../use-cases/delivery-queue.js';
import { deliveryQueue, dispatchDeps, flushDeliveryMetrics } from '../../delivery-wiring.js';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function deliveryConsumer(deps: DispatchDeps, queue: DeliveryQueue): QueueHandler {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const ref = decodeDeliveryRef(record.body);
    const ids = { conversationId: ref.conversationId, sk: ref.sk };
    try {
      logger.info('delivery dispatched', { ...ids, outcome: await dispatchDelivery(deps, ref) });
    } catch (error) {
      const later = error instanceof RetryLater;
      const seconds = later ? queueDelaySeconds(error.delayMs) : afterErrorDelaySeconds(Number(record.attributes.ApproximateReceiveCount) || 1);
      logger.info('delivery comes back later', { ...ids, seconds, reason: later ? error.reason : error instanceof Error ? error.name : 'unknown' });
      // If the delay cannot be set, the queue's visibility timeout brings it back.
      await queue.delay(record.receiptHandle, seconds).catch((e: unknown) => logger.warn('delay not set', { ...ids, errorName: e instanceof Error ? e.name : 'unknown' }));
      throw error;
    }
  };
  return async (event, context) => {
    logger.addContext(context);
    return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
  };
}

const consume = deliveryConsumer(dispatchDeps, deliveryQueue);
/** Each batch's delivery metrics are published (EMF) when it ends. */
export const handler: QueueHandler = async (event, context) => {
  try {
    return await consume(event, context);
  } finally {
    flushDeliveryMetrics();
  }
};
