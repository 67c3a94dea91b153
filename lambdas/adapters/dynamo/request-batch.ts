/**
 * Reads by key, coalesced per request: inside a request scope (lambdas/request-scope.ts) every
 * key asked for in the same turn of the event loop — reads a use case starts together with
 * Promise.all, through whichever adapters — goes to DynamoDB in one BatchGetItem (per 100 keys,
 * a few of those at once: a large conversation's reads do not queue up one after another), each
 * key once (a GetItem when only one key was asked for). A read waits at most one turn
 * (setImmediate) for others to join. Outside a request scope (stream consumers, scripts) each call
 * is its own GetItem or BatchGetItem.
 * Eventually consistent, like the reads it replaces.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requestCache } from '../../request-scope.js';
import { batchGet } from './batch-io.js';
import { dynamo, tableName } from './client.js';

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
    const wanted = [...batch.keys.values()];
    // Nothing joined: one key is a GetItem (cheaper than a BatchGetItem of one, same units).
    const items =
      wanted.length === 1
        ? [(await dynamo.send(new GetCommand({ TableName: tableName, Key: wanted[0] }))).Item].filter((i): i is Item => i !== undefined)
        : await batchGet(wanted);
    return new Map(items.map((i) => [id(i as Key), i]));
  });
  return batch;
}

/** The items with these keys that exist (in no particular order). */
export async function getItems(keyList: readonly Key[]): Promise<Item[]> {
  if (keyList.length === 0) return [];
  const cache = requestCache();
  if (!cache) return batchGet(keyList);
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

const PREFETCHED = 'dynamo#prefetched';

/**
 * Starts reading this key now, with whatever else this turn reads (an HTTP function prefetches
 * what a route reads first, alongside the caller's record). Only inside a request scope.
 */
export function prefetchItem(key: Key): void {
  const cache = requestCache();
  if (!cache) return;
  let prefetched = cache.get(PREFETCHED) as Map<string, Promise<Item | undefined>> | undefined;
  if (!prefetched) cache.set(PREFETCHED, (prefetched = new Map()));
  const read = getItem(key);
  // Taken by the route, or dropped with the request (a caller refused by the auth step).
  read.catch(() => undefined);
  prefetched.set(id(key), read);
}

/**
 * The prefetched read of this key, once: a later read of the same key in the request (a retry
 * after a conflict) reads the table again. Undefined when it was not prefetched.
 */
export function takePrefetched(key: Key): Promise<Item | undefined> | undefined {
  const prefetched = requestCache()?.get(PREFETCHED) as Map<string, Promise<Item | undefined>> | undefined;
  const read = prefetched?.get(id(key));
  if (read) prefetched?.delete(id(key));
  return read;
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
