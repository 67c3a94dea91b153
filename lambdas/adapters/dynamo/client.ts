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
 * DynamoDB calls made by this process, per command, with the capacity units DynamoDB reported.
 * Counted only on clients that {@link countConsumedCapacity} was attached to (the benchmark and
 * tests that need it); production never attaches it, so no call asks for consumed capacity.
 * Process-wide on `globalThis`, so every copy of this module in one process counts into the
 * same place. Names and numbers only: no keys, no items.
 */
export interface DynamoCallStats {
  /** Calls per command name (`PutItem`, `TransactWriteItems`, ...); retries inside one send count once. */
  calls: Record<string, number>;
  /** Capacity units DynamoDB reported per command name (absent when nothing was reported). */
  capacityUnits: Record<string, number>;
}

const STATS_KEY = Symbol.for('practice-messaging.dynamo-call-stats');
const COUNTING_KEY = Symbol.for('practice-messaging.count-consumed-capacity');
const processWide = globalThis as unknown as Record<symbol, unknown>;
const stats = (): DynamoCallStats => (processWide[STATS_KEY] ??= { calls: {}, capacityUnits: {} }) as DynamoCallStats;

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
const MIDDLEWARE_NAME = 'countConsumedCapacity';

/**
 * Counts every call of `client` (default: this module's client) and asks DynamoDB for
 * `ReturnConsumedCapacity: TOTAL` on each command that accepts it, adding the units to
 * {@link dynamoCallStats}. Also marks the process, so a copy of this module loaded later counts
 * too. Safe to call twice. For the benchmark and tests only.
 */
export function countConsumedCapacity(client: Pick<DynamoDBDocumentClient, 'middlewareStack'> = dynamo): void {
  processWide[COUNTING_KEY] = true;
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(`${MIDDLEWARE_NAME} `))) return;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const s = stats();
      s.calls[command] = (s.calls[command] ?? 0) + 1;
      const input = args.input as Record<string, unknown>;
      const asks = REPORTS_CAPACITY.has(command) && input['ReturnConsumedCapacity'] === undefined;
      const result = await next(asks ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } } : args);
      const consumed = (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
      if (consumed) {
        const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        s.capacityUnits[command] = (s.capacityUnits[command] ?? 0) + units;
      }
      return result;
    },
    { step: 'initialize', name: MIDDLEWARE_NAME },
  );
}

if (processWide[COUNTING_KEY] === true) countConsumedCapacity(dynamo);

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
