/** Reading a paged port to the end (bounded lists only: a contact's blocks, a group's members). */
import type { Page } from './page.js';

/** Every item of a paged port read, page after page. */
export async function everyPage<T>(read: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
