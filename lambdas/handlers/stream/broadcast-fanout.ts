/** Stream consumer: fans one broadcast chunk out into per-recipient conversations and deliveries. */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { fanOutChunk, type BroadcastRecipient, type BroadcastRecord } from '../../use-cases/broadcasts.js';
import { DynamoBroadcastRepository } from '../../adapters/dynamo/broadcast-repository.js';
import { logger } from '../../logger.js';
import { blockDeps, conversationDeps } from '../../wiring.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const broadcasts = new DynamoBroadcastRepository();

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) return;
  const chunk = unmarshall(image as Record<string, AttributeValue>);
  if (chunk['type'] !== 'BroadcastChunk') return;
  const recipients = chunk['recipients'] as BroadcastRecipient[];
  await fanOutChunk(
    { conversations: conversationDeps.conversations, broadcasts, blockRecords: blockDeps.blocks },
    chunk['practiceId'] as string,
    chunk['broadcast'] as BroadcastRecord,
    chunk['index'] as number,
    recipients,
  );
  logger.info('broadcast chunk fanned out', { broadcastId: chunk['broadcastId'], chunk: chunk['index'], recipients: recipients.length });
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
