/**
 * Composition root of the delivery pipeline: the stream dispatcher (it enqueues), the delivery
 * queue's consumer (it sends) and the sweeper. Kept apart from lambdas/wiring.ts so an HTTP
 * function's bundle carries no provider client (SES, SNS, WhatsApp), no SQS client and no
 * metrics library: each function bundles only the SDK clients it calls.
 */
import type { DispatchDeps } from './use-cases/dispatch.js';
import { DynamoDeliveryStore } from './adapters/dynamo/delivery-repository.js';
import { DynamoBroadcastRepository } from './adapters/dynamo/broadcast-repository.js';
import { DynamoTallyStore } from './adapters/dynamo/broadcast-tallies.js';
import { createSenders } from './adapters/providers/index.js';
import { config } from './config.js';
import { countingDeliveryMetrics, emfDeliveryMetrics } from './adapters/delivery-metrics.js';
import { METRICS_SERVICE } from './adapters/delivery-metric-names.js';
import { withLocalDispatchFaults } from './adapters/providers/local-outbox.js';
import type { DeliveryQueue } from './use-cases/delivery-queue.js';
import type { SweepDeps } from './use-cases/sweep.js';
import { SqsDeliveryQueue } from './adapters/sqs/sqs-delivery-queue.js';
import { localDeliveryQueue } from './adapters/sqs/local-delivery-queue.js';
import { S3FileStore } from './adapters/s3/file-store.js';
import { s3Client } from './adapters/s3/client.js';
import { systemClock } from './use-cases/clock.js';
import { cachedOrigins } from './use-cases/channels/outbound-origin.js';
import { DynamoChannelSettingsStore } from './adapters/dynamo/channel-settings-repository.js';

/** The files an email or WhatsApp message attaches (the attachments bucket; s3rver locally). */
const fileStore = new S3FileStore(s3Client(), config.ATTACHMENTS_BUCKET);
/** Broadcast progress counted as broadcast deliveries settle (once per broadcast per batch). */
const broadcasts = new DynamoBroadcastRepository();

const deliveryMetrics = config.PROVIDER_MODE === 'aws' ? emfDeliveryMetrics(METRICS_SERVICE) : countingDeliveryMetrics();
/** Publishes the delivery metrics stored by this invocation (EMF); a no-op locally. */
export const flushDeliveryMetrics = (): void => deliveryMetrics.flush();
const deliveryStore = new DynamoDeliveryStore();
/** Each batch's broadcast count, opened before its sends and closed with the count (the sweeper closes one left open). */
const tallies = new DynamoTallyStore((practiceId, broadcastId) => broadcasts.advanceAfterCount(practiceId, broadcastId));

/** The dispatcher: the delivery store, one sender per channel, and broadcast counting. */
export const dispatchDeps: DispatchDeps = {
  // Locally, POST /dev/faults can make the dispatcher crash before the hand-over.
  store: config.PROVIDER_MODE === 'local' ? withLocalDispatchFaults(deliveryStore) : deliveryStore,
  metrics: deliveryMetrics,
  senders: createSenders({
    mode: config.PROVIDER_MODE,
    region: config.AWS_REGION,
    ...(config.SES_ENDPOINT ? { sesEndpoint: config.SES_ENDPOINT } : {}),
    sesFromAddress: config.SES_FROM_ADDRESS,
    ...(config.SES_CONFIGURATION_SET ? { sesConfigurationSet: config.SES_CONFIGURATION_SET } : {}),
    ...(config.SMS_ORIGINATION_NUMBER ? { smsOriginationNumber: config.SMS_ORIGINATION_NUMBER } : {}),
    ...(config.WHATSAPP_PHONE_NUMBER_ID ? { whatsappPhoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID } : {}),
    ...(config.WHATSAPP_TOKEN_SECRET_ID ? { whatsappTokenSecretId: config.WHATSAPP_TOKEN_SECRET_ID } : {}),
  }, { files: fileStore }),
  now: systemClock,
  maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
  leaseMs: config.DELIVERY_LEASE_SECONDS * 1000,
  maxThrottleDelayMs: config.DELIVERY_MAX_THROTTLE_DELAY_SECONDS * 1000,
  tallies,
  // Outside a batch's tally (a delivery the sweeper ends): the outcome added at once, as one fewer queued.
  broadcastSettled: (practiceId, broadcastId, outcomes) =>
    broadcasts.progress(practiceId, broadcastId, { ...outcomes, queued: -Object.values(outcomes).reduce((n, k) => n + (k ?? 0), 0) }),
  // The practice's own number / phone-number id / Reply-To base: one GetItem per practice per minute.
  origins: cachedOrigins(new DynamoChannelSettingsStore()),
};

/** The sweeper's closing of tallies left open (a batch that died between an outcome and its count). */
export const tallySweepDeps = { tallies, now: systemClock };

/** The delivery queue (SQS on AWS, the local runtime's in-process queue locally). */
export const deliveryQueue: DeliveryQueue =
  config.PROVIDER_MODE === 'local' ? localDeliveryQueue : new SqsDeliveryQueue(config.DELIVERY_QUEUE_URL ?? '');

/** The sweeper: the delivery store, and the queue it puts overdue queued deliveries back on (it sends nothing itself). */
export const sweepDeps: SweepDeps = {
  store: dispatchDeps.store,
  metrics: deliveryMetrics,
  now: systemClock,
  leaseMs: dispatchDeps.leaseMs,
  queue: deliveryQueue,
  ...(dispatchDeps.broadcastSettled ? { broadcastSettled: dispatchDeps.broadcastSettled } : {}),
};
