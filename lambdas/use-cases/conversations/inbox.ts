/** Reading conversations and each participant's own state: inbox, one conversation, its messages, read, archive, star. */
import type { Caller } from '../../domain/caller.js';
import { assertMayRead, replyVerdict } from '../../domain/conversation-policy.js';
import { DomainError } from '../../domain/errors.js';
import { afterPatch, afterRead, type ParticipantState } from '../../domain/participant-state.js';
import { manyWriters, retryOnConflict } from '../optimistic.js';
import type { Page, PageRequest } from '../page.js';
import { assertMayIncludeHidden, conversationFacts, loadConversation, selfParty } from './facts.js';
import type { ConversationDeps, InboxQuery, StateRecord } from './ports.js';
import { conversationView, messageView, type ConversationView, type MessageView } from './views.js';

export async function getConversation(deps: ConversationDeps, caller: Caller, id: string): Promise<ConversationView> {
  const c = await loadConversation(deps, caller, id);
  assertMayRead(caller, c.participants);
  const [state, facts] = await Promise.all([
    deps.conversations.state(caller.practiceId, id, selfParty(caller)),
    conversationFacts(deps, caller, c),
  ]);
  const verdict = replyVerdict({ caller, kind: c.kind, channel: c.channel, participants: c.participants, patients: facts });
  return conversationView(c, state, verdict);
}

export async function listInbox(deps: ConversationDeps, caller: Caller, query: InboxQuery): Promise<Page<ConversationView>> {
  assertMayIncludeHidden(caller, query.includeHidden);
  const page = await deps.conversations.inbox(caller.practiceId, selfParty(caller), query);
  return { items: page.items.map((e) => conversationView(e.conversation, e)), nextCursor: page.nextCursor };
}

export async function listMessages(deps: ConversationDeps, caller: Caller, id: string, page: PageRequest): Promise<Page<MessageView>> {
  const c = await loadConversation(deps, caller, id);
  assertMayRead(caller, c.participants);
  const result = await deps.messages.messages(caller.practiceId, id, page);
  return { items: result.items.map(messageView(caller)), nextCursor: result.nextCursor };
}

export const markRead = (deps: ConversationDeps, caller: Caller, id: string): Promise<ConversationView> =>
  changeOwnState(deps, caller, id, afterRead);

export const patchOwnState = (
  deps: ConversationDeps,
  caller: Caller,
  id: string,
  patch: { archived?: boolean | undefined; starred?: boolean | undefined },
): Promise<ConversationView> => changeOwnState(deps, caller, id, (s) => afterPatch(s, patch));

/** The caller's state, changed over the version read: a send or another change meanwhile re-runs it. */
export function changeOwnState(
  deps: ConversationDeps,
  caller: Caller,
  id: string,
  change: (s: ParticipantState) => ParticipantState,
): Promise<ConversationView> {
  return retryOnConflict(async () => {
    const c = await loadConversation(deps, caller, id);
    assertMayRead(caller, c.participants);
    const state = await deps.conversations.state(caller.practiceId, c.id, selfParty(caller));
    if (!state) throw new DomainError('not_a_participant', 'Read and archive state is kept for participants only.');
    const next: StateRecord = { ...state, ...change(state) };
    await deps.conversations.putState(caller.practiceId, c, next);
    return conversationView(c, next);
  }, manyWriters);
}
