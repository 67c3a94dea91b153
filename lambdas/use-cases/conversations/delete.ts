/** Deleting a message (its author, staff only) or a whole staff-started conversation; both audited. */
import type { Caller } from '../../domain/caller.js';
import { assertMayDeleteConversation, assertMayDeleteMessage, assertMayRead } from '../../domain/conversation-policy.js';
import { notFound } from '../../domain/errors.js';
import { auditEvent } from '../audit.js';
import { loadConversation } from './facts.js';
import type { ConversationDeps } from './ports.js';

export async function deleteMessage(deps: ConversationDeps, caller: Caller, conversationId: string, messageId: string): Promise<void> {
  const c = await loadConversation(deps, caller, conversationId);
  assertMayRead(caller, c.participants);
  const m = await deps.messages.message(caller.practiceId, conversationId, messageId);
  if (!m) throw notFound('Message');
  assertMayDeleteMessage(caller, m);
  // The audit event is written in the same transaction as the deletion.
  const audit = auditEvent(caller, 'message_deleted', { type: 'message', id: m.id, conversationId: c.id }, deps.now());
  await deps.messages.deleteMessage(caller.practiceId, c, m, audit);
}

export async function deleteConversation(deps: ConversationDeps, caller: Caller, id: string): Promise<void> {
  // A delete that was interrupted is resumed by the next DELETE.
  const c = await deps.conversations.get(caller.practiceId, id, { includeDeleting: true });
  if (!c) throw notFound('Conversation');
  assertMayRead(caller, c.participants);
  assertMayDeleteConversation(caller, c.createdBy);
  await deps.conversations.deleteConversation(caller.practiceId, c);
  // Many writes, not one transaction: the event is written once the deletion has completed.
  await deps.audit.record(auditEvent(caller, 'conversation_deleted', { type: 'conversation', id: c.id }, deps.now()));
}
