/**
 * The delivery queue (SQS on AWS, the local runtime's in-process queue locally): all the stream
 * dispatcher needs, so its bundle carries the SQS client and no provider client, S3 or mail
 * composer (lambdas/delivery-wiring.ts composes the consumer that sends).
 */
import { localDeliveryQueue } from '../adapters/sqs/local-delivery-queue.js';
import { SqsDeliveryQueue } from '../adapters/sqs/sqs-delivery-queue.js';
import { config } from '../config.js';
import type { DeliveryQueue } from '../use-cases/delivery-queue.js';

export const deliveryQueue: DeliveryQueue = config.PROVIDER_MODE === 'local' ? localDeliveryQueue : new SqsDeliveryQueue(config.DELIVERY_QUEUE_URL ?? '');
