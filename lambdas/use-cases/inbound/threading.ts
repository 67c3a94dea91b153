/**
 * Which conversation an inbound message joins, in this order: the email `Reply-To` token's
 * conversation; else the conversation of our outbound mail that `In-Reply-To`/`References` names
 * (SES Message-IDs look like `<id@email.amazonses.com>`: the id part is the SES message id);
 * else the sender's newest conversation on that channel; else none (a new one is started).
 *
 * A named conversation is joined only when the sender already takes part in it, it is a direct
 * conversation on the same channel, and no other patient or contact is in it: a leaked or
 * forwarded token cannot put a message into someone else's conversation (it then falls back to
 * the sender's own conversation), and nothing one patient writes reaches another patient.
 */
import type { Party } from '../../domain/conversation-policy.js';
import type { ConversationRecord, StateRecord } from '../conversations/ports.js';
import type { InboundMessageEvent } from './events.js';
import type { InboundDeps } from './ports.js';

/** The claim, conversation, message and correspondence pointer leave this many items of a transaction for states. */
export const MAX_JOINED_PARTICIPANTS = 95;

export interface Thread {
  conversation: ConversationRecord;
  states: StateRecord[];
}

/** The SES message ids an `In-Reply-To`/`References` list may name (each id, and its part before `@`). */
export function sentIdsOf(inReplyTo: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const raw of inReplyTo.slice(0, 20)) {
    const id = raw.trim().replace(/^<|>$/g, '');
    if (!id || id.length > 512) continue;
    ids.add(id);
    const at = id.indexOf('@');
    if (at > 0) ids.add(id.slice(0, at));
  }
  return [...ids];
}

export function joinable(c: ConversationRecord | null, e: Pick<InboundMessageEvent, 'channel'>, sender: Party): c is ConversationRecord {
  // A conversation too large for one transaction (beyond MAX_INBOUND_STAFF staff) is not joined: a new one starts.
  if (!c || c.kind !== 'direct' || c.channel !== e.channel || c.participants.length > MAX_JOINED_PARTICIPANTS) return false;
  const outside = c.participants.filter((p) => p.type !== 'staff');
  return outside.length === 1 && outside[0]?.type === sender.type && outside[0].id === sender.id;
}

export async function threadFor(deps: InboundDeps, e: InboundMessageEvent, sender: Party): Promise<Thread | null> {
  const candidates: (() => Promise<string | null>)[] = [];
  if (e.channel === 'email' && e.replyToken && deps.conversationForReplyToken) {
    const token = e.replyToken;
    const fromToken = deps.conversationForReplyToken;
    candidates.push(async () => fromToken(token));
  }
  if (e.channel === 'email' && e.inReplyTo && e.inReplyTo.length > 0) {
    const ids = sentIdsOf(e.inReplyTo);
    if (ids.length > 0) candidates.push(() => deps.store.conversationOfSent(e.practiceId, ids));
  }
  candidates.push(() => deps.store.latestConversation(e.practiceId, { type: sender.type, id: sender.id }, e.channel));
  for (const find of candidates) {
    const id = await find();
    if (!id) continue;
    const c = await deps.conversations.get(e.practiceId, id);
    if (joinable(c, e, sender)) return { conversation: c, states: await deps.conversations.states(e.practiceId, c.id) };
  }
  return null;
}
