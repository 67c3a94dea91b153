/**
 * Stream consumer: sends each new queued delivery (transactional outbox). Failures that should
 * be retried are reported per record (partial batch response); the event source retries them
 * and, past its retries, parks them in the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dispatchDelivery, type DispatchDeps, type QueuedDelivery } from '../../use-cases/dispatch.js';
import { DynamoBroadcastRepository } from '../../adapters/dynamo/broadcast-repository.js';
import { DynamoDeliveryStore } from '../../adapters/dynamo/delivery-repository.js';
import { createSenders } from '../../adapters/providers/index.js';
import { config } from '../../config.js';
import { logger } from '../../logger.js';

const broadcasts = new DynamoBroadcastRepository();

const deps: DispatchDeps = {
  store: new DynamoDeliveryStore(),
  senders: createSenders({
    mode: config.PROVIDER_MODE,
    region: config.AWS_REGION,
    ...(config.SES_ENDPOINT ? { sesEndpoint: config.SES_ENDPOINT } : {}),
    sesFromAddress: config.SES_FROM_ADDRESS,
    ...(config.SES_CONFIGURATION_SET ? { sesConfigurationSet: config.SES_CONFIGURATION_SET } : {}),
    ...(config.SMS_ORIGINATION_NUMBER ? { smsOriginationNumber: config.SMS_ORIGINATION_NUMBER } : {}),
    ...(config.WHATSAPP_PHONE_NUMBER_ID ? { whatsappPhoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID } : {}),
    ...(config.WHATSAPP_TOKEN_SECRET_ID ? { whatsappTokenSecretId: config.WHATSAPP_TOKEN_SECRET_ID } : {}),
  }),
  now: () => new Date(),
  maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
  leaseMs: 5 * 60_000,
  broadcastSettled: (practiceId, broadcastId, status) => broadcasts.progress(practiceId, broadcastId, { [status]: 1, queued: -1 }),
};

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) return;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item['type'] !== 'Delivery') return;
  const delivery: QueuedDelivery = {
    practiceId: item['practiceId'] as string,
    conversationId: item['conversationId'] as string,
    messageId: item['messageId'] as string,
    sk: item['sk'] as string,
    channel: item['channel'] as QueuedDelivery['channel'],
    address: (item['address'] as string | undefined) ?? null,
    purpose: item['purpose'] as QueuedDelivery['purpose'],
    ...(item['broadcastId'] ? { broadcastId: item['broadcastId'] as string } : {}),
  };
  try {
    const outcome = await dispatchDelivery(deps, delivery);
    logger.info('delivery dispatched', { conversationId: delivery.conversationId, messageId: delivery.messageId, channel: delivery.channel, outcome });
  } catch (error) {
    logger.warn('delivery not settled', {
      conversationId: delivery.conversationId,
      messageId: delivery.messageId,
      channel: delivery.channel,
      errorName: error instanceof Error ? error.name : 'unknown',
    });
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
