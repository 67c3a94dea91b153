/**
 * The delivery queue's consumer: dispatches the deliveries of a batch of messages together
 * (claims, one block/suppression read, sends, records, one count per broadcast; dispatch.ts). A delivery to be tried again is not failed: its message is delayed
 * (ChangeMessageVisibility, the growing wait of delivery-backoff.ts; a throttle uses no attempt)
 * and reported as a batch item failure, so SQS hands it back once the delay is over. A message
 * that keeps failing reaches the queue's dead-letter queue (delivery ids only).
 */
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeDeliveryRef } from '../../adapters/sqs/delivery-message.js';
import { logger } from '../../logger.js';
import { dispatchBatch, RetryLater, type DispatchDeps } from '../../use-cases/dispatch.js';
import type { DeliveryRef } from '../../use-cases/delivery-ports.js';
import { afterErrorDelaySeconds, type DeliveryQueue, queueDelaySeconds } from '../../use-cases/delivery-queue.js';
import { deliveryQueue, dispatchDeps, flushDeliveryMetrics } from '../../delivery-wiring.js';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

/**
 * The whole batch is dispatched together (dispatch.ts `dispatchBatch`: the claims, one block and
 * suppression read, the sends, one count per broadcast); each message's result is its own.
 */
export function deliveryConsumer(deps: DispatchDeps, queue: DeliveryQueue): QueueHandler {
  const comesBackLater = async (record: SQSRecord, ids: { conversationId: string; sk: string }, error: unknown) => {
    const later = error instanceof RetryLater;
    const seconds = later ? queueDelaySeconds(error.delayMs) : afterErrorDelaySeconds(Number(record.attributes.ApproximateReceiveCount) || 1);
    logger.info('delivery comes back later', { ...ids, seconds, reason: later ? error.reason : errorName(error) });
    // If the delay cannot be set, the queue's visibility timeout brings it back.
    await queue.delay(record.receiptHandle, seconds).catch((e: unknown) => logger.warn('delay not set', { ...ids, errorName: errorName(e) }));
  };
  return async (event, context) => {
    logger.addContext(context);
    const failures: SQSBatchItemFailure[] = [];
    const taken: { record: SQSRecord; ref: DeliveryRef }[] = [];
    for (const record of event.Records) {
      try {
        taken.push({ record, ref: decodeDeliveryRef(record.body) });
      } catch (error) {
        logger.warn('delivery message not decoded', { messageId: record.messageId, errorName: errorName(error) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    if (taken.length === 0) return { batchItemFailures: failures };
    let results: Awaited<ReturnType<typeof dispatchBatch>>;
    try {
      results = await dispatchBatch(deps, taken.map((t) => t.ref));
    } catch (error) {
      // Only the broadcast count can fail here, after every outcome was recorded: the messages come back and are skipped.
      logger.warn('batch not counted', { count: taken.length, errorName: errorName(error) });
      return { batchItemFailures: [...failures, ...taken.map((t) => ({ itemIdentifier: t.record.messageId }))] };
    }
    await Promise.all(
      taken.map(async ({ record, ref }, i) => {
        const ids = { conversationId: ref.conversationId, sk: ref.sk };
        const result = results[i];
        if (result && 'outcome' in result) return logger.info('delivery dispatched', { ...ids, outcome: result.outcome });
        await comesBackLater(record, ids, result?.error);
        failures.push({ itemIdentifier: record.messageId });
      }),
    );
    const order = new Map(event.Records.map((r, i) => [r.messageId, i]));
    return { batchItemFailures: failures.sort((a, b) => (order.get(a.itemIdentifier) ?? 0) - (order.get(b.itemIdentifier) ?? 0)) };
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
