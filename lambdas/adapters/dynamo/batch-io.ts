/**
 * BatchGetItem and BatchWriteItem over any number of keys or items, a few calls in flight at
 * once: gets in hundreds (consistent and projected when asked), puts in twenty-fives; unprocessed
 * keys and items retried with backoff.
 */
import { BatchGetCommand, BatchWriteCommand, type BatchGetCommandOutput, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.js';

type Item = Record<string, unknown>;

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

async function inParallel<T>(parts: readonly T[], parallel: number, run: (part: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, parts.length) }, async () => {
      for (let i = next++; i < parts.length; i = next++) await run(parts[i] as T);
    }),
  );
}

const slices = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export async function batchGet(keyList: readonly Item[], options: { consistent?: boolean; projection?: string; names?: Record<string, string>; parallel?: number } = {}): Promise<Item[]> {
  const out: Item[] = [];
  await inParallel(slices(keyList, 100), options.parallel ?? 4, async (part) => {
    let keysLeft: Item[] | undefined = part;
    for (let attempt = 0; keysLeft && keysLeft.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const res: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keysLeft,
              ...(options.consistent ? { ConsistentRead: true } : {}),
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
            },
          },
        }),
      );
      out.push(...(res.Responses?.[tableName] ?? []));
      keysLeft = res.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined;
    }
  });
  return out;
}

/** Unconditional puts: only for items whose key says what they are (writing one again changes nothing). */
export async function batchPut(items: readonly Item[], parallel = 4): Promise<void> {
  await inParallel(slices(items, 25), parallel, async (part) => {
    let left: { PutRequest: { Item: Item } }[] | undefined = part.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; left && left.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const res: BatchWriteCommandOutput = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName]: left } }));
      left = res.UnprocessedItems?.[tableName] as typeof left;
    }
  });
}
