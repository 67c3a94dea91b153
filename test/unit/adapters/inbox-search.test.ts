/** The archived-inclusive inbox search: two gsi1 partitions merged into pages (the exact Query requests, on a simulated index). */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

process.env.TABLE_NAME ??= 'unit';
const ddb = mockClient(DynamoDBDocumentClient);
const { mergedIndexPage } = await import('../../../lambdas/adapters/dynamo/inbox-search.js');

type Item = Record<string, unknown>;
const OPEN = 'P#p#INBOX#staff#me';
const ARCHIVE = 'P#p#ARCHIVE#staff#me';
let store: Item[];

const item = (pk: string, minute: number, match = true): Item => {
  const at = `2026-11-30T10:${String(minute).padStart(2, '0')}:00.000Z`;
  return { pk: `P#p#CONV#c${minute}`, sk: 'PART#staff#me', gsi1pk: pk, gsi1sk: `${at}#c${minute}`, conversationId: `c${minute}`, match };
};

/** gsi1 newest first: `Limit` items read from after `ExclusiveStartKey`, then the filter (match) drops some, as DynamoDB does. */
function query(input: { ExpressionAttributeValues?: Record<string, unknown>; Limit?: number; ExclusiveStartKey?: Item }) {
  const pk = input.ExpressionAttributeValues?.[':pk'];
  const part = store.filter((i) => i['gsi1pk'] === pk).sort((a, b) => String(b['gsi1sk']).localeCompare(String(a['gsi1sk'])));
  const from = input.ExclusiveStartKey ? part.findIndex((i) => i['gsi1sk'] === input.ExclusiveStartKey?.['gsi1sk']) + 1 : 0;
  const read = part.slice(from, from + (input.Limit ?? part.length));
  const last = read[read.length - 1];
  const more = from + read.length < part.length;
  return {
    Items: read.filter((i) => i['match'] === true),
    ...(more && last ? { LastEvaluatedKey: { pk: last['pk'], sk: last['sk'], gsi1pk: last['gsi1pk'], gsi1sk: last['gsi1sk'] } } : {}),
  };
}

const input = {
  TableName: 'unit',
  IndexName: 'gsi1',
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': 'gsi1pk' },
  ExpressionAttributeValues: { ':pk': OPEN, ':q': 'knee' },
  FilterExpression: 'contains(searchText, :q)',
  ScanIndexForward: false,
};

async function everyPage(limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages < 100; pages++) {
    const page = await mergedIndexPage(input, [OPEN, ARCHIVE], { limit, cursor });
    ids.push(...page.items.map((i) => i['conversationId'] as string));
    if (!page.nextCursor) return { ids, pages };
    cursor = page.nextCursor;
  }
  throw new Error('no end');
}

beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand).callsFake(query);
});

describe('Inbox search over the open and the archive partitions', () => {
  it('lists both partitions newest first, each match once, whatever the page size', async () => {
    store = [
      item(OPEN, 1), item(ARCHIVE, 2), item(OPEN, 3, false), item(ARCHIVE, 4), item(ARCHIVE, 5), item(OPEN, 6),
      item(OPEN, 7), item(ARCHIVE, 8, false), item(ARCHIVE, 9), item(OPEN, 10), item(OPEN, 11, false),
    ];
    const expected = ['c10', 'c9', 'c7', 'c6', 'c5', 'c4', 'c2', 'c1'];
    for (const limit of [1, 2, 3, 5, 8, 25]) expect((await everyPage(limit)).ids, `limit ${limit}`).toEqual(expected);
  });

  it('queries each partition with the same filters, only its own key, and the page size as Limit', async () => {
    store = [item(OPEN, 1), item(ARCHIVE, 2)];
    await mergedIndexPage(input, [OPEN, ARCHIVE], { limit: 10 });
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.ExpressionAttributeValues?.[':pk']).sort()).toEqual([ARCHIVE, OPEN]);
    for (const c of calls) expect(c).toMatchObject({ IndexName: 'gsi1', FilterExpression: 'contains(searchText, :q)', Limit: 10, ScanIndexForward: false });
  });

  it('reads a bounded number of Query pages per request when little matches, and goes on from where it stopped', async () => {
    store = Array.from({ length: 40 }, (_, i) => item(i % 2 ? OPEN : ARCHIVE, i + 1, i === 0));
    const first = await mergedIndexPage(input, [OPEN, ARCHIVE], { limit: 1 });
    expect(ddb.commandCalls(QueryCommand).length).toBeLessThanOrEqual(20);
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    const { ids } = await everyPage(1);
    expect(ids).toEqual(['c1']);
  });

  it('a position for another partition, or anything not a position, is invalid_cursor', async () => {
    store = [item(OPEN, 1), item(OPEN, 2), item(OPEN, 4), item(ARCHIVE, 3)];
    const page = await mergedIndexPage(input, [OPEN, ARCHIVE], { limit: 1 });
    expect(page.items.map((i) => i['conversationId'])).toEqual(['c4']);
    await expect(mergedIndexPage(input, [ARCHIVE, OPEN], { limit: 1, cursor: page.nextCursor as string })).rejects.toMatchObject({ kind: 'invalid_cursor' });
    for (const cursor of ['not-json', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      await expect(mergedIndexPage(input, [OPEN, ARCHIVE], { limit: 1, cursor })).rejects.toMatchObject({ kind: 'invalid_cursor' });
    }
  });
});
