/**
 * Stream consumer: applies a block's hideExisting to the existing messages of its address.
 * Records arrive filtered to block records (lib/stream-consumers.ts); failures are reported per
 * record (partial batch response) so only they are retried.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { applyBlockVisibility } from '../../use-cases/block-visibility.js';
import { blockFrom } from '../../adapters/dynamo/block-repository.js';
import { logger } from '../../logger.js';
import { conversationDeps } from '../../wiring.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

const image = (i: Record<string, unknown> | undefined) =>
  i ? unmarshall(i as Record<string, AttributeValue>) : undefined;

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  const next = image(record.dynamodb?.NewImage);
  if (!next || next['type'] !== 'Block') return;
  const previous = image(record.dynamodb?.OldImage);
  const after = blockFrom(next);
  const outcome = await applyBlockVisibility(
    { conversations: conversationDeps.conversations, directory: conversationDeps.directory },
    next['practiceId'] as string,
    previous ? blockFrom(previous) : null,
    after,
  );
  if (outcome !== 'unchanged') logger.info('block visibility applied', { blockId: after.id, outcome });
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
