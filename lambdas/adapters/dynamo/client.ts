import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  type BatchGetCommandOutput,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.js';

/** One client per execution environment, created at module load and reused. */
export const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

export const tableName = config.TABLE_NAME;

/**
 * DynamoDB calls made by this process, per command, with the capacity units DynamoDB reported
 * (every command that accepts it asks for `ReturnConsumedCapacity: TOTAL`). Read by the
 * benchmark (`npm run bench`); process-wide on `globalThis`, so every copy of this module in
 * one process counts into the same place. Names and numbers only: no keys, no items.
 */
export interface DynamoCallStats {
  /** Calls per command name (`PutItem`, `TransactWriteItems`, ...); retries inside one send count once. */
  calls: Record<string, number>;
  /** Capacity units DynamoDB reported per command name (absent when nothing was reported). */
  capacityUnits: Record<string, number>;
}

const STATS_KEY = Symbol.for('practice-messaging.dynamo-call-stats');
const stats = (): DynamoCallStats => {
  const holder = globalThis as unknown as Record<symbol, DynamoCallStats | undefined>;
  return (holder[STATS_KEY] ??= { calls: {}, capacityUnits: {} });
};

/** A copy of the counters. */
export const dynamoCallStats = (): DynamoCallStats => ({ calls: { ...stats().calls }, capacityUnits: { ...stats().capacityUnits } });

export const resetDynamoCallStats = (): void => {
  const s = stats();
  s.calls = {};
  s.capacityUnits = {};
};

const REPORTS_CAPACITY = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan',
  'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems',
]);

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

dynamo.middlewareStack.add(
  (next, context) => async (args) => {
    const command = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
    const s = stats();
    s.calls[command] = (s.calls[command] ?? 0) + 1;
    const input = args.input as Record<string, unknown>;
    const asks = REPORTS_CAPACITY.has(command);
    const result = await next(asks && input.ReturnConsumedCapacity === undefined ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } } : args);
    const consumed = (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
    if (consumed) {
      const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      s.capacityUnits[command] = (s.capacityUnits[command] ?? 0) + units;
    }
    return result;
  },
  { step: 'initialize', name: 'callCounter' },
);

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' ||
    (error.name === 'TransactionCanceledException' && /ConditionalCheckFailed/.test(error.message)));

type Key = Record<string, unknown>;

/** BatchGetItem over any number of keys: chunks of 100, unprocessed keys retried with backoff. */
export async function batchGetAll(keyList: readonly Key[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let request: Record<string, { Keys: Key[] }> | undefined = { [tableName]: { Keys: keyList.slice(i, i + 100) as Key[] } };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const res: BatchGetCommandOutput = await dynamo.send(new BatchGetCommand({ RequestItems: request }));
      out.push(...(res.Responses?.[tableName] ?? []));
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** BatchWriteItem deletes: chunks of 25, unprocessed items retried with backoff. */
export async function batchDeleteAll(keyList: readonly Key[]): Promise<void> {
  for (let i = 0; i < keyList.length; i += 25) {
    let request: BatchWriteCommandInput['RequestItems'] = {
      [tableName]: keyList.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const res: BatchWriteCommandOutput = await dynamo.send(new BatchWriteCommand({ RequestItems: request }));
      request = res.UnprocessedItems;
    }
  }
}
