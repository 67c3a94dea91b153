/** A contact's history: the messages sent to it and the events of its blocks, newest first. */
import { requirePermission, type Caller } from '../../domain/caller.js';
import { validationFailed } from '../../domain/errors.js';
import type { BlockEvent } from '../blocks/ports.js';
import { everyPage } from '../every-page.js';
import type { Page, PageRequest } from '../page.js';
import { activeBlocksOf } from './contact-blocking.js';
import { loadContact, type ContactDeps } from './contact-deps.js';
import type { ContactMessage } from './ports.js';

export type ContactHistoryItem =
  | ({ kind: 'message' } & ContactMessage)
  | { kind: 'block_event'; blockId: string; action: BlockEvent['action']; by: BlockEvent['by']; at: string; changes: BlockEvent['changes'] };

const historyCursor = {
  encode: (at: string, eventId: string) => Buffer.from(JSON.stringify([at, eventId])).toString('base64url'),
  decode: (cursor: string): [string, string] => {
    try {
      const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string')) return v as [string, string];
    } catch {
      /* fall through */
    }
    throw validationFailed([{ path: 'cursor', message: 'Not a cursor from this list' }]);
  },
};

/**
 * The contact's messages (broadcasts sent to it) and block and unblock events, newest first: the
 * events of every block ever made for it (kept after unblock) and of active blocks linked to it.
 * A page merges the events after the cursor with the next `limit + 1` messages, so it knows
 * whether more follow; the cursor is the last item's time and id.
 */
export async function contactHistory(deps: ContactDeps, caller: Caller, id: string, page: PageRequest): Promise<Page<ContactHistoryItem>> {
  requirePermission(caller, 'manage_contacts');
  const contact = await loadContact(deps, caller, id);
  const after = page.cursor ? historyCursor.decode(page.cursor) : undefined;
  const blockIds = new Set([...contact.blockHistoryIds, ...contact.blockIds, ...(await activeBlocksOf(deps, caller, id)).map((b) => b.id)]);
  type Entry = ContactHistoryItem & { key: string };
  const entries: Entry[] = [];
  for (const blockId of blockIds) {
    const all = await everyPage((cursor) => deps.blocking.blocks.history(caller.practiceId, blockId, { limit: 100, cursor }));
    for (const e of all) entries.push({ kind: 'block_event', blockId, action: e.action, by: e.by, at: e.at, changes: e.changes, key: e.id });
  }
  for (const m of await deps.messages.newestBefore(caller.practiceId, id, after, page.limit + 1)) {
    entries.push({ kind: 'message', ...m, key: m.messageId });
  }
  const newestFirst = (a: { at: string; key: string }, b: { at: string; key: string }) =>
    a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
  entries.sort(newestFirst);
  const rest = after ? entries.filter((e) => newestFirst(e, { at: after[0], key: after[1] }) > 0) : entries;
  const items = rest.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(({ key: _key, ...e }) => e as ContactHistoryItem),
    nextCursor: rest.length > page.limit && last ? historyCursor.encode(last.at, last.key) : null,
  };
}
