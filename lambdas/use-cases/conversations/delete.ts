/** Deleting a message (its author, staff only) or a whole staff-started conversation. */
import type { Caller } from '../../domain/caller.js';
import { assertMayDeleteConversation, assertMayDeleteMessage, assertMayRead } from '../../domain/conversation-policy.js';
import { notFound } from '../../domain/errors.js';
import { loadConversation } from './facts.js';
import type { ConversationDeps } from './ports.js';

export async function deleteMessage(deps: ConversationDeps, caller: Caller, conversationId: string, messageId: string): Promise<void> {
  const c = await loadConversation(deps, caller, conversationId);
  assertMayRead(caller, c.participants);
  const m = await deps.messages.message(caller.practiceId, conversationId, messageId);
  if (!m) throw notFound('Message');
  assertMayDeleteMessage(caller, m);
  await deps.messages.deleteMessage(caller.practiceId, c, m);
}

export async function deleteConversation(deps: ConversationDeps, caller: Caller, id: string): Promise<void> {
  // A delete that was interrupted is resumed by the next DELETE.
  const c = await deps.conversations.get(caller.practiceId, id, { includeDeleting: true });
  if (!c) throw notFound('Conversation');
  assertMayRead(caller, c.participants);
  assertMayDeleteConversation(caller, c.createdBy);
  await deps.conversations.deleteConversation(caller.practiceId, c);
}
