/**
 * Bulk actions on the caller's own conversation states: each id on its own (one that fails does
 * not undo the others), through the same single-conversation use cases as PATCH and POST /read,
 * a few at a time. A conversation the caller cannot see answers `not_found`, whether it does not
 * exist, is another practice's or the caller is not in it: nothing tells them apart.
 */
import type { Caller } from '../../domain/caller.js';
import { DomainError } from '../../domain/errors.js';
import { logger } from '../../logger.js';
import { changeOwnState, markRead, patchOwnState } from './inbox.js';
import type { ConversationDeps } from './ports.js';

export const bulkActions = ['archive', 'unarchive', 'read', 'unread', 'star', 'unstar'] as const;
export type BulkAction = (typeof bulkActions)[number];

export interface BulkResult {
  id: string;
  ok: boolean;
  code?: string;
}

/** How many conversations are changed at once. */
export const BULK_CONCURRENCY = 8;

function perform(deps: ConversationDeps, caller: Caller, id: string, action: BulkAction): Promise<unknown> {
  switch (action) {
    case 'archive':
      return patchOwnState(deps, caller, id, { archived: true });
    case 'unarchive':
      return patchOwnState(deps, caller, id, { archived: false });
    case 'star':
      return patchOwnState(deps, caller, id, { starred: true });
    case 'unstar':
      return patchOwnState(deps, caller, id, { starred: false });
    case 'read':
      return markRead(deps, caller, id);
    case 'unread':
      return changeOwnState(deps, caller, id, (s) => ({ ...s, status: 'unread' }));
  }
}

const HIDDEN = new Set(['not_found', 'not_a_participant']);

async function one(deps: ConversationDeps, caller: Caller, id: string, action: BulkAction): Promise<BulkResult> {
  try {
    await perform(deps, caller, id, action);
    return { id, ok: true };
  } catch (error) {
    if (error instanceof DomainError) return { id, ok: false, code: HIDDEN.has(error.kind) ? 'not_found' : error.kind };
    logger.error('bulk action failed on one conversation', { conversationId: id, action, error: error instanceof Error ? error.name : 'unknown' });
    return { id, ok: false, code: 'internal_error' };
  }
}

export async function bulkUpdate(
  deps: ConversationDeps,
  caller: Caller,
  input: { ids: string[]; action: BulkAction },
): Promise<{ results: BulkResult[] }> {
  const unique = [...new Set(input.ids)];
  const byId = new Map<string, BulkResult>();
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const id = unique[next++] as string;
      byId.set(id, await one(deps, caller, id, input.action));
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, unique.length) }, worker));
  return { results: input.ids.map((id) => byId.get(id) as BulkResult) };
}
