/** Records by id in one BatchGetItem per 100: in the order asked, each once, missing ones left out. */
import { batchGetAll } from './client.js';

type Item = Record<string, unknown>;

export async function getByIds<T>(ids: readonly string[], keyOf: (id: string) => Item, from: (item: Item) => T): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = new Map((await batchGetAll(unique.map(keyOf))).map((item) => [item['id'] as string, from(item)]));
  return unique.map((id) => found.get(id)).filter((r): r is T => r !== undefined);
}
