/**
 * An inbound message, once its webhook is verified and its practice found: stored once per
 * provider id; from a blocked address into quarantine; SMS keywords opt the number out or back
 * in (the keyword message is stored too: staff see "STOP" in the conversation, so they know why
 * their next SMS is suppressed); otherwise into the sender's conversation, unread for the staff.
 */
import type { Party } from '../../domain/conversation-policy.js';
import { strictlyLater } from '../clock.js';
import { manyWriters, retryOnConflict } from '../optimistic.js';
import type { ConversationRecord, StateRecord } from '../conversations/ports.js';
import { newMessageId, statesAfterInbound } from './inbound-states.js';
import { acceptFiles, bodyWithNotes, limitedText } from './inbound-files.js';
import type { InboundMessageEvent } from './events.js';
import { applyKeyword } from './opt-out.js';
import { quarantineMessage } from './quarantine.js';
import { senderParty } from './sender.js';
import { threadFor } from './threading.js';
import { AlreadyStored, type AddressType, type InboundDeps } from './ports.js';

export const addressTypeOf = (channel: InboundMessageEvent['channel']): AddressType => (channel === 'email' ? 'email' : 'phone');

export async function receiveMessage(deps: InboundDeps, e: InboundMessageEvent): Promise<{ stored: boolean }> {
  if (await deps.store.seen(e.practiceId, e.provider, e.providerMessageId)) return duplicate(deps, e);
  const type = addressTypeOf(e.channel);
  const [block] = await deps.blocks.activeAmong(e.practiceId, [{ type, value: e.from }]);
  if (block) {
    const stored = await quarantineMessage(deps, e, block.blockId);
    return stored ? { stored } : duplicate(deps, e);
  }
  if (e.channel === 'sms') await applyKeyword(deps, e);

  const sender = await senderParty(deps, e.practiceId, type, e.from);
  const files = await acceptFiles(deps, e);
  const body = bodyWithNotes(limitedText(e.text), files.dropped);
  try {
    await retryOnConflict(async () => {
      const thread = await threadFor(deps, e, sender);
      const at = thread ? strictlyLater(thread.conversation.lastMessageAt, deps.now()) : deps.now().toISOString();
      const conversation: ConversationRecord = thread
        ? { ...thread.conversation, lastMessageAt: at, lastDirection: 'inbound' }
        : {
            id: newMessageId(at),
            kind: 'direct',
            channel: e.channel,
            subject: e.channel === 'email' ? limitedText(e.subject ?? '', 998) || null : null,
            participants: [sender, ...(await staffForNewConversation(deps, e.practiceId))],
            createdBy: { type: sender.type, id: sender.id },
            createdAt: at,
            lastMessageAt: at,
            lastDirection: 'inbound',
          };
      const states: StateRecord[] = statesAfterInbound(conversation, thread?.states ?? [], sender, at);
      const messageId = newMessageId(at);
      if (files.kept.length > 0 && deps.markAttached) {
        await deps.markAttached(e.practiceId, files.kept.map((f) => f.id), conversation.id, messageId);
      }
      await deps.store.store(e.practiceId, {
        provider: e.provider,
        providerMessageId: e.providerMessageId,
        conversation,
        isNew: !thread,
        message: {
          id: messageId,
          conversationId: conversation.id,
          channel: e.channel,
          author: { type: sender.type, id: sender.id },
          body,
          attachments: files.kept,
          createdAt: at,
          ...(files.dropped > 0 ? { droppedFiles: files.dropped } : {}),
          provider: e.provider,
          providerMessageId: e.providerMessageId,
        },
        states,
        correspondenceOf: conversation.participants.filter((p) => p.type === 'patient').map((p) => p.id),
      });
    }, manyWriters);
  } catch (error) {
    if (error instanceof AlreadyStored) return duplicate(deps, e);
    throw error;
  }
  deps.metrics.count('inbound_stored', e.channel);
  return { stored: true };
}

function duplicate(deps: InboundDeps, e: InboundMessageEvent): { stored: false } {
  deps.metrics.count('inbound_duplicate', e.channel);
  return { stored: false };
}

/**
 * Where an inbound message starts a conversation, every active staff member with
 * `send_messages` (admins included) takes part, up to MAX_INBOUND_STAFF (in name order) so the
 * whole send stays one transaction (100 items: the claim, conversation, message, sender and
 * correspondence leave 95 for states).
 */
export const MAX_INBOUND_STAFF = 90;

async function staffForNewConversation(deps: InboundDeps, practiceId: string): Promise<Party[]> {
  const out: Party[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.directory.listStaff(practiceId, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const s of page.items) {
      if (s.status !== 'active') continue;
      if (s.role !== 'admin' && !s.permissions.includes('send_messages')) continue;
      out.push({ type: 'staff', id: s.id, name: s.name, role: s.role });
      if (out.length >= MAX_INBOUND_STAFF) return out;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
