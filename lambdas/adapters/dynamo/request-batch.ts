/**
 * Reads by key, coalesced per request: inside a request scope (lambdas/request-scope.ts) every
 * key asked for in the same turn of the event loop — reads a use case starts together with
 * Promise.all, through whichever adapters — goes to DynamoDB in one BatchGetItem (per 100 keys),
 * each key once. A read waits at most one turn (setImmediate) for others to join. Outside a
 * request scope (stream consumers, scripts) each call is its own GetItem or BatchGetItem.
 * Eventually consistent, like the reads it replaces.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requestCache } from '../../request-scope.js';
import { batchGetAll, dynamo, tableName } from './client.js';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

interface Pending {
  keys: Map<string, Key>;
  found?: Promise<Map<string, Item>>;
}

const PENDING = 'dynamo#pending-batch-get';
const id = (k: { pk: unknown; sk: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;

/** The batch this turn's reads join (a new one when none is waiting). */
function pendingBatch(cache: Map<string, unknown>): Pending {
  const waiting = cache.get(PENDING) as Pending | undefined;
  if (waiting) return waiting;
  const batch: Pending = { keys: new Map() };
  cache.set(PENDING, batch);
  batch.found = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    if (cache.get(PENDING) === batch) cache.delete(PENDING);
    const items = await batchGetAll([...batch.keys.values()]);
    return new Map(items.map((i) => [id(i as Key), i]));
  });
  return batch;
}

/** The items with these keys that exist (in no particular order). */
export async function getItems(keyList: readonly Key[]): Promise<Item[]> {
  if (keyList.length === 0) return [];
  const cache = requestCache();
  if (!cache) return batchGetAll(keyList);
  const batch = pendingBatch(cache);
  for (const k of keyList) batch.keys.set(id(k), k);
  const found = await (batch.found as Promise<Map<string, Item>>);
  return [...new Set(keyList.map(id))].map((k) => found.get(k)).filter((i): i is Item => i !== undefined);
}

/** The item with this key, or undefined. */
export async function getItem(key: Key): Promise<Item | undefined> {
  if (!requestCache()) return (await dynamo.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
  return (await getItems([key]))[0];
}

/** Records by id, read with whatever else this turn reads: in the order asked, each once, missing ones left out. */
export async function getByIdsBatched<T>(ids: readonly string[], keyOf: (id: string) => Key, from: (item: Item) => T): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const items = new Map((await getItems(unique.map(keyOf))).map((i) => [id(i as Key), i]));
  return unique.flatMap((x) => {
    const item = items.get(id(keyOf(x)));
    return item ? [from(item)] : [];
  });
}
