/** What the conversation use cases answer with: records turned into their public shape. */
import type { Channel, ConversationKind, ReplyVerdict } from '../../domain/conversation-policy.js';
import { inboxStatus, type InboxStatus } from '../../domain/participant-state.js';
import type { ConversationRecord, DeliveryRecord, MessageRecord, PartyRef, StateRecord } from './ports.js';

export interface ConversationView {
  id: string;
  kind: ConversationKind;
  channel: Channel;
  subject: string | null;
  participants: { type: 'patient' | 'staff' | 'contact'; id: string; name: string }[];
  createdBy: PartyRef;
  createdAt: string;
  lastMessageAt: string;
  lastDirection: 'inbound' | 'outbound' | 'internal';
  status: InboxStatus;
  starred: boolean;
  replyPolicy?: { canReply: boolean; reason?: string };
}

/** Who a view is shaped for: the caller's kind and id. */
export interface Viewer {
  kind: 'staff' | 'patient';
  id: string;
}

/**
 * The one decision of what a caller sees of a message (API.md Conventions: views shaped by who
 * asks). Staff see every delivery and the send's warnings; a patient sees only the deliveries
 * addressed to them (no other recipient's address or status) and never warnings.
 */
export function visibleTo(viewer: Viewer): {
  delivery: (d: DeliveryRecord) => boolean;
  warnings: <W>(warnings: readonly W[]) => { warnings?: W[] };
} {
  if (viewer.kind === 'staff') {
    return { delivery: () => true, warnings: (ws) => (ws.length > 0 ? { warnings: [...ws] } : {}) };
  }
  return {
    delivery: (d) => d.recipient.type === 'patient' && d.recipient.id === viewer.id,
    warnings: () => ({}),
  };
}

const deliveryView = (d: DeliveryRecord) => ({
  recipient: d.recipient,
  channel: d.channel,
  address: d.address,
  // `sending` is the dispatcher's claim on a queued delivery: to callers it is still queued.
  status: (d.status as string) === 'sending' ? 'queued' : d.status,
  purpose: d.purpose,
  ...(d.error ? { error: d.error } : {}),
});

/** A message as `viewer` may see it: `messages.map(messageView(caller))`. */
export const messageView = (viewer: Viewer) => {
  const sees = visibleTo(viewer);
  return (m: MessageRecord) => ({
    id: m.id,
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction,
    author: m.author,
    body: m.body,
    bodyFormat: m.html ? ('html' as const) : ('text' as const),
    ...(m.html ? { html: m.html } : {}),
    attachments: m.attachments.map(({ id, fileName, contentType, size }) => ({ id, fileName, contentType, size })),
    createdAt: m.createdAt,
    deliveries: m.deliveries.filter(sees.delivery).map(deliveryView),
    ...(m.call ? { call: m.call } : {}),
  });
};

export type MessageView = ReturnType<ReturnType<typeof messageView>>;

/** The caller's view of a conversation: their own state, and the reply policy when asked for. */
export function conversationView(c: ConversationRecord, state: StateRecord | null, verdict?: ReplyVerdict): ConversationView {
  return {
    id: c.id,
    kind: c.kind,
    channel: c.channel,
    subject: c.subject,
    participants: c.participants.map(({ type, id, name }) => ({ type, id, name })),
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    lastMessageAt: c.lastMessageAt,
    lastDirection: c.lastDirection,
    status: state ? inboxStatus(state) : 'read',
    starred: state?.starred ?? false,
    ...(verdict ? { replyPolicy: verdict.canReply ? { canReply: true } : { canReply: false, reason: verdict.reason } } : {}),
  };
}
