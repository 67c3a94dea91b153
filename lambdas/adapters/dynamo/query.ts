/** The Query loops every repository needs. */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';

type Item = Record<string, unknown>;
type PageRequest = { limit: number; cursor?: string | undefined };

/**
 * One page of a Query whose rounds may drop items (a FilterExpression applies after DynamoDB
 * reads a page; `keep` may drop or swap items after it): read on, at most 10 rounds, until the
 * page is full or the partition ends. The cursor is only accepted for `partition`, the key the
 * Query is bound to.
 */
export async function queryPageOf<T>(
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: PageRequest,
  partition: { attribute: string; value: string },
  keep: (items: Item[]) => Promise<T[]>,
): Promise<{ items: T[]; nextCursor: string | null }> {
  let startKey = decodeCursor(page.cursor, partition) as Record<string, unknown> | undefined;
  const items: T[] = [];
  for (let round = 0; round < 10 && items.length < page.limit; round++) {
    const out = await dynamo.send(new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: startKey }));
    items.push(...(await keep(out.Items ?? [])));
    startKey = out.LastEvaluatedKey;
    if (!startKey) break;
  }
  return { items, nextCursor: encodeCursor(startKey) };
}

/** One page of a Query, its items as stored (see `queryPageOf`). */
export function queryPage(
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: PageRequest,
  partition: { attribute: string; value: string },
): Promise<{ items: Item[]; nextCursor: string | null }> {
  return queryPageOf(input, page, partition, async (items) => items);
}

/** One page of the items under `pk` on the table whose sort key begins with `prefix`. */
export function queryPrefixPage(pk: string, prefix: string, page: PageRequest, options: { consistent?: boolean; forward?: boolean } = {}) {
  return queryPage(
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ...(options.consistent ? { ConsistentRead: true } : {}),
      ...(options.forward === false ? { ScanIndexForward: false } : {}),
    },
    page,
    { attribute: 'pk', value: pk },
  );
}

/**
 * A FilterExpression built clause by clause; a clause whose value is undefined is left out.
 * Attribute names and values get their own placeholders, apart from the key condition's.
 */
export class Filter {
  readonly clauses: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};

  equals(attribute: string, value: unknown): this {
    if (value === undefined) return this;
    this.names[`#f_${attribute}`] = attribute;
    this.values[`:f_${attribute}`] = value;
    this.clauses.push(`#f_${attribute} = :f_${attribute}`);
    return this;
  }

  contains(attribute: string, value: string | undefined): this {
    if (value === undefined) return this;
    this.names[`#f_${attribute}`] = attribute;
    this.values[`:f_${attribute}`] = value;
    this.clauses.push(`contains(#f_${attribute}, :f_${attribute})`);
    return this;
  }

  between(attribute: string, range: { from: string; to: string } | undefined): this {
    if (range === undefined) return this;
    this.names[`#f_${attribute}`] = attribute;
    this.values[`:f_${attribute}_from`] = range.from;
    this.values[`:f_${attribute}_to`] = range.to;
    this.clauses.push(`#f_${attribute} BETWEEN :f_${attribute}_from AND :f_${attribute}_to`);
    return this;
  }
}

/**
 * One page of a global secondary index (`gsi1`…`gsi3`, keys `<index>pk`/`<index>sk`): the
 * partition `pk`, optionally a sort-key range and a filter.
 */
export function queryIndexPage(
  q: {
    index: string;
    pk: string;
    range?: { from: string; to: string } | undefined;
    filter?: Filter;
    forward: boolean;
  },
  page: PageRequest,
) {
  const names: Record<string, string> = { ...q.filter?.names, '#pk': `${q.index}pk` };
  const values: Record<string, unknown> = { ...q.filter?.values, ':pk': q.pk };
  let keyCondition = '#pk = :pk';
  if (q.range) {
    names['#sk'] = `${q.index}sk`;
    values[':from'] = q.range.from;
    values[':to'] = q.range.to;
    keyCondition += ' AND #sk BETWEEN :from AND :to';
  }
  const filters = q.filter?.clauses ?? [];
  return queryPage(
    {
      TableName: tableName,
      IndexName: q.index,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ScanIndexForward: q.forward,
    },
    page,
    { attribute: `${q.index}pk`, value: q.pk },
  );
}

/** Every item of a Query, following LastEvaluatedKey (bounded partitions only). */
export async function queryAll(input: QueryCommandInput): Promise<Item[]> {
  return (await queryUpTo(input, Infinity)) as Item[];
}

/** Every page of a Query as DynamoDB answers it, following LastEvaluatedKey. */
export async function* queryPages(input: QueryCommandInput): AsyncIterable<Item[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of the Query (paged), or null as soon as more than `limit` are seen (the caller then reads another way). */
export async function queryUpTo(input: QueryCommandInput, limit: number): Promise<Item[] | null> {
  const items: Item[] = [];
  for await (const page of queryPages(input)) {
    items.push(...page);
    if (items.length > limit) return null;
  }
  return items;
}
