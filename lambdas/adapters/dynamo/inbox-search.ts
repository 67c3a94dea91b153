/**
 * A `q` search of an inbox reads the open and the archived conversations: two partitions of
 * gsi1 (`INBOX#…` and `ARCHIVE#…`, both sorted by `<lastMessageAt>#<conversationId>`), queried
 * newest first with the same filters and merged by sort key into one page. No Scan; each side
 * reads at most `ROUNDS` Query pages of `limit` items per request, as a single-partition list does.
 *
 * The position is one per side: where that side resumes (the key of the last item it gave the
 * page, or where its last Query stopped) or that it is exhausted. Items read but not given to
 * the page are read again next time, so nothing is skipped and nothing is listed twice.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { invalidCursor } from '../../domain/errors.js';
import { dynamo } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

const ROUNDS = 10;
const EXHAUSTED = 'x';

interface Side {
  pk: string;
  /** Where the next Query starts (undefined: from the top). */
  next: Key | undefined;
  /** Read, not yet given to the page, newest first. */
  buffer: Item[];
  /** The next Query would find nothing more. */
  done: boolean;
  /** The position just before the buffer's first item. */
  resume: Key | undefined;
  rounds: number;
}

const keyOf = (item: Item, index: string): Key => ({
  pk: item['pk'],
  sk: item['sk'],
  [`${index}pk`]: item[`${index}pk`],
  [`${index}sk`]: item[`${index}sk`],
});

function openCursor(cursor: string | undefined, index: string, pks: readonly string[]): { start: Key | undefined; exhausted: boolean }[] {
  if (cursor === undefined) return pks.map(() => ({ start: undefined, exhausted: false }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== pks.length) throw invalidCursor();
  return parsed.map((position, i) => {
    if (position === EXHAUSTED) return { start: undefined, exhausted: true };
    if (position === null) return { start: undefined, exhausted: false };
    if (typeof position !== 'string') throw invalidCursor();
    return { start: decodeCursor(position, { attribute: `${index}pk`, value: pks[i] as string }), exhausted: false };
  });
}

/**
 * One page of `input` (an index Query bound by `#pk = :pk`, newest first) over several
 * partitions of that index, merged newest first by the index sort key.
 */
export async function mergedIndexPage(
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'> & { IndexName: string },
  pks: readonly string[],
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const index = input.IndexName;
  const sortAttribute = `${index}sk`;
  const sides: Side[] = openCursor(page.cursor, index, pks).map((p, i) => ({
    pk: pks[i] as string,
    next: p.start,
    buffer: [],
    done: p.exhausted,
    resume: p.start,
    rounds: 0,
  }));
  const fetch = async (side: Side) => {
    side.rounds++;
    const out = await dynamo.send(
      new QueryCommand({
        ...input,
        ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':pk': side.pk },
        Limit: page.limit,
        ExclusiveStartKey: side.next,
      }),
    );
    side.buffer.push(...(out.Items ?? []));
    side.next = out.LastEvaluatedKey;
    side.done = !out.LastEvaluatedKey;
    // Everything read was filtered out: the side resumes after it.
    if (side.buffer.length === 0) side.resume = side.next;
  };

  const items: Item[] = [];
  while (items.length < page.limit) {
    // Every side that may still hold items needs one in hand to be compared.
    const empty = sides.filter((s) => s.buffer.length === 0 && !s.done);
    if (empty.some((s) => s.rounds >= ROUNDS)) break;
    await Promise.all(empty.map(fetch));
    if (sides.some((s) => s.buffer.length === 0 && !s.done)) continue;
    const candidates = sides.filter((s) => s.buffer.length > 0);
    if (candidates.length === 0) break;
    const newest = candidates.reduce((a, b) =>
      String((a.buffer[0] as Item)[sortAttribute]) >= String((b.buffer[0] as Item)[sortAttribute]) ? a : b,
    );
    const item = newest.buffer.shift() as Item;
    items.push(item);
    newest.resume = newest.buffer.length > 0 ? keyOf(item, index) : newest.next;
  }
  const exhausted = (s: Side) => s.done && s.buffer.length === 0;
  if (sides.every(exhausted)) return { items, nextCursor: null };
  const positions = sides.map((s) => (exhausted(s) ? EXHAUSTED : s.resume ? encodeCursor(s.resume) : null));
  return { items, nextCursor: Buffer.from(JSON.stringify(positions)).toString('base64url') };
}
