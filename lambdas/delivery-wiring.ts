/**
 * Composition root of the delivery queue's consumer (it sends): the delivery store, one sender per
 * channel, broadcast counting. Kept apart from lambdas/wiring.ts so an HTTP function's bundle
 * carries no provider client (SES, SNS, WhatsApp), no SQS client and no metrics library. The
 * stream dispatcher (it enqueues) takes ./wiring/delivery-queue.ts and the sweeper
 * ./wiring/delivery-state.ts instead: neither bundles a provider client, S3 or the mail composer.
 */
import type { DispatchDeps } from './use-cases/dispatch.js';
import { createSenders } from './adapters/providers/index.js';
import { config } from './config.js';
import { withLocalDispatchFaults } from './adapters/providers/local-outbox.js';
import { S3FileStore } from './adapters/s3/file-store.js';
import { s3Client } from './adapters/s3/client.js';
import { systemClock } from './use-cases/clock.js';
import { cachedOrigins } from './use-cases/channels/outbound-origin.js';
import { DynamoChannelSettingsStore } from './adapters/dynamo/channel-settings-repository.js';
import { broadcastSettled, deliveryMetrics, deliveryStore, leaseMs, tallies } from './wiring/delivery-state.js';

export { deliveryQueue } from './wiring/delivery-queue.js';
export { flushDeliveryMetrics, sweepDeps, tallySweepDeps } from './wiring/delivery-state.js';

/** The files an email or WhatsApp message attaches (the attachments bucket; s3rver locally). */
const fileStore = new S3FileStore(s3Client(), config.ATTACHMENTS_BUCKET);

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
  leaseMs,
  maxThrottleDelayMs: config.DELIVERY_MAX_THROTTLE_DELAY_SECONDS * 1000,
  tallies,
  broadcastSettled,
  // The practice's own number / phone-number id / Reply-To base: one GetItem per practice per minute.
  origins: cachedOrigins(new DynamoChannelSettingsStore()),
};
