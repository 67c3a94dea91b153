/**
 * A stream consumer is a decoder plus a use case: `streamHandler(decode, fn)` runs `fn` on every
 * record the decoder recognises (a `null` decode is not this consumer's item and is skipped) and
 * reports the records whose `fn` threw as batch item failures (Powertools BatchProcessor), so the
 * event source retries only those and, past its retries, parks them in the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamDecoder } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

export function streamHandler<T>(decode: StreamDecoder<T>, fn: (input: T) => Promise<void>): StreamHandler {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    const input = decode(record);
    if (input !== null) await fn(input);
  };
  return async (event, context) => {
    logger.addContext(context);
    return processPartialResponse(event, recordHandler, processor, { context });
  };
}
