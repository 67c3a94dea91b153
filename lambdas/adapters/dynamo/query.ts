/** The two Query loops every repository needs. */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';

type Item = Record<string, unknown>;

/**
 * One page of a Query whose FilterExpression may drop items: a filter applies after DynamoDB
 * reads a page, so read on (at most 10 rounds) until the page is full or the partition ends.
 * The cursor is only accepted for `partition`, the key the Query is bound to.
 */
export async function queryPage(
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: { limit: number; cursor?: string | undefined },
  partition: { attribute: string; value: string },
): Promise<{ items: Item[]; nextCursor: string | null }> {
  let startKey = decodeCursor(page.cursor, partition) as Record<string, unknown> | undefined;
  const items: Item[] = [];
  for (let round = 0; round < 10 && items.length < page.limit; round++) {
    const out = await dynamo.send(new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: startKey }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
    if (!startKey) break;
  }
  return { items, nextCursor: encodeCursor(startKey) };
}

/** Every item of a Query, following LastEvaluatedKey (bounded partitions only). */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
