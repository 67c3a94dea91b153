/**
 * One builder of a new message and of the participant states it leaves behind, shared by
 * start, reply and call logs (and any other module that adds a message to a conversation).
 */
import { ulid } from 'ulid';
import type { Channel, Party } from '../../domain/conversation-policy.js';
import { afterMessage } from '../../domain/participant-state.js';
import type { AttachedFile, ConversationRecord, DeliveryRecord, MessageRecord, PartyRef, StateRecord } from './ports.js';

export type Direction = MessageRecord['direction'];

export interface NewMessage {
  conversationId: string;
  channel: Channel;
  direction: Direction;
  author: PartyRef;
  body: string;
  /** The sanitised markup of a rich-text message (domain/rich-text.ts); `body` is then its text. */
  html?: string | undefined;
  /** When the message is written; also the time part of its id. */
  at: string;
  /** The files it carries, as `assertAttachments` answered them. */
  attachments?: readonly AttachedFile[];
  deliveries?: DeliveryRecord[];
  call?: MessageRecord['call'];
  /** A deterministic id (a broadcast's fan-out); by default a ULID of `at`. */
  id?: string;
}

/**
 * Message ids carry their createdAt as the ULID time: within a conversation times strictly
 * increase (see `strictlyLater`), so id order (the key order of the message list) is time order.
 */
export function newMessage(m: NewMessage): MessageRecord {
  return {
    id: m.id ?? ulid(Date.parse(m.at)),
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction,
    author: m.author,
    body: m.body,
    ...(m.html ? { html: m.html } : {}),
    attachments: [...(m.attachments ?? [])],
    createdAt: m.at,
    deliveries: m.deliveries ?? [],
    ...(m.call ? { call: m.call } : {}),
  };
}

/**
 * Each participant's state after a message: unread for the others (an archived conversation comes
 * back), replied for its author. `existing` are the states read
 * before; participants without one start from read.
 */
export function statesAfter(
  c: Pick<ConversationRecord, 'id' | 'kind'>,
  participants: readonly Party[],
  existing: readonly StateRecord[],
  author: PartyRef,
  at: string,
): StateRecord[] {
  const byParty = new Map(existing.map((s) => [`${s.party.type}:${s.party.id}`, s]));
  const out: StateRecord[] = [];
  for (const p of participants) {
    const prior = byParty.get(`${p.type}:${p.id}`);
    // Patients of a call-log conversation have no inbox entry for it: call logs are staff records.
    if (!prior && c.kind === 'call_log' && p.type === 'patient') continue;
    const base = prior ?? { conversationId: c.id, party: { type: p.type, id: p.id }, status: 'read' as const, archived: false, starred: false, lastMessageAt: at };
    out.push({
      ...base,
      ...afterMessage(base, { isAuthor: p.type === author.type && p.id === author.id }),
      lastMessageAt: at,
    });
  }
  return out;
}
