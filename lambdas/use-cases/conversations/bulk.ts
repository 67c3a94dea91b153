/**
 * Bulk actions on the caller's own conversation states: each id on its own (one that fails does
 * not undo the others), with the same state changes as PATCH /v1/conversations/{id} and POST
 * /read, a few at a time. A conversation the caller cannot see answers `not_found`, whether it
 * does not exist, is another practice's or the caller is not in it: nothing tells them apart.
 *
 * With `bulkReads` the conversations and the caller's states are read up front (BatchGetItem:
 * two calls for 100 ids instead of 200 GetItems); each change is then one conditional write
 * over the version read, none when nothing changes. A write that lost a race goes through the
 * single-conversation use case, which reads again and retries.
 */
import type { Caller } from '../../domain/caller.js';
import { assertMayRead } from '../../domain/conversation-policy.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { afterPatch, afterRead, type ParticipantState } from '../../domain/participant-state.js';
import { logger } from '../../logger.js';
import { WriteConflict } from '../optimistic.js';
import { selfParty } from './facts.js';
import { changeOwnState } from './inbox.js';
import type { ConversationDeps, ConversationRecord, PartyRef, StateRecord } from './ports.js';

export const bulkActions = ['archive', 'unarchive', 'read', 'unread', 'star', 'unstar'] as const;
export type BulkAction = (typeof bulkActions)[number];

export interface BulkResult {
  id: string;
  ok: boolean;
  code?: string;
}

/** Many conversations and one party's states in them, read at once; absent ids are left out. */
export interface ConversationBulkReads {
  read(
    practiceId: string,
    ids: readonly string[],
    party: PartyRef,
  ): Promise<{ conversations: Map<string, ConversationRecord>; states: Map<string, StateRecord> }>;
}

export type BulkDeps = ConversationDeps & { bulkReads?: ConversationBulkReads };

/** How many conversations are changed at once. */
export const BULK_CONCURRENCY = 8;

const changes: Record<BulkAction, (s: ParticipantState) => ParticipantState> = {
  archive: (s) => afterPatch(s, { archived: true }),
  unarchive: (s) => afterPatch(s, { archived: false }),
  star: (s) => afterPatch(s, { starred: true }),
  unstar: (s) => afterPatch(s, { starred: false }),
  read: afterRead,
  unread: (s) => ({ ...s, status: 'unread' }),
};

const same = (a: ParticipantState, b: ParticipantState) => a.status === b.status && a.archived === b.archived && a.starred === b.starred;

/** One conversation with what was read up front: true when done, false when it must be re-read. */
async function withPrefetched(deps: BulkDeps, caller: Caller, c: ConversationRecord | undefined, state: StateRecord | undefined, action: BulkAction): Promise<boolean> {
  if (!c) throw notFound('Conversation');
  assertMayRead(caller, c.participants);
  if (!state) throw new DomainError('not_a_participant', 'Read and archive state is kept for participants only.');
  const next: StateRecord = { ...state, ...changes[action](state) };
  if (same(state, next)) return true;
  try {
    await deps.conversations.putState(caller.practiceId, c, next);
    return true;
  } catch (error) {
    if (error instanceof WriteConflict) return false;
    throw error;
  }
}

const HIDDEN = new Set(['not_found', 'not_a_participant']);

async function one(run: () => Promise<unknown>, id: string, action: BulkAction): Promise<BulkResult> {
  try {
    await run();
    return { id, ok: true };
  } catch (error) {
    if (error instanceof DomainError) return { id, ok: false, code: HIDDEN.has(error.kind) ? 'not_found' : error.kind };
    logger.error('bulk action failed on one conversation', { conversationId: id, action, error: error instanceof Error ? error.name : 'unknown' });
    return { id, ok: false, code: 'internal_error' };
  }
}

export async function bulkUpdate(deps: BulkDeps, caller: Caller, input: { ids: string[]; action: BulkAction }): Promise<{ results: BulkResult[] }> {
  const unique = [...new Set(input.ids)];
  const read = deps.bulkReads ? await deps.bulkReads.read(caller.practiceId, unique, selfParty(caller)) : null;
  const single = (id: string) => changeOwnState(deps, caller, id, changes[input.action]);
  const byId = new Map<string, BulkResult>();
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const id = unique[next++] as string;
      byId.set(
        id,
        await one(
          async () => {
            if (read && (await withPrefetched(deps, caller, read.conversations.get(id), read.states.get(id), input.action))) return;
            await single(id);
          },
          id,
          input.action,
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, unique.length) }, worker));
  return { results: input.ids.map((id) => byId.get(id) as BulkResult) };
}
