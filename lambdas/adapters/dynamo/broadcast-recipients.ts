/**
 * The items of a broadcast's recipients, written in BatchWriteItem calls of 25 (no transaction
 * per recipient): each recipient's conversation, message, inbox state (patients), correspondence
 * pointer (patients) or history pointer (contacts) first, then their deliveries, so a delivery
 * the dispatcher picks up always finds its message. Keys derive from the broadcast and the
 * recipient; a chunk run again first reads which recipients' deliveries exist and skips them,
 * so a delivery already sent is never written back to `queued`.
 */
import type { Party } from '../../domain/conversation-policy.js';
import type { BroadcastRecipient, BroadcastRecord } from '../../use-cases/broadcasts/ports.js';
import { conversationIdOf, messageIdOf } from '../../use-cases/broadcasts/recipient-ids.js';
import type { ConversationRecord, DeliveryRecord } from '../../use-cases/conversations/ports.js';
import { batchGet, batchPut } from './batch-io.js';
import { conversationItem, statePut } from './conversation-items.js';
import { queuedLease } from './delivery-lease.js';
import { keys } from './keys.js';

type Item = Record<string, unknown>;

/** Longest body (UTF-8 bytes) carried on a delivery: the item stays under 1 KB, so its claim and outcome writes stay 1 unit each. */
const CARRIED_TEXT_MAX_BYTES = 400;

const firstDeliveryKey = (practiceId: string, broadcastId: string, r: BroadcastRecipient) => {
  const conversationId = conversationIdOf(broadcastId, r);
  return keys.delivery(practiceId, conversationId, messageIdOf(conversationId), 0);
};

export async function alreadyWritten(practiceId: string, b: BroadcastRecord, recipients: readonly BroadcastRecipient[]): Promise<Set<string>> {
  if (recipients.length === 0) return new Set();
  const byPk = new Map(recipients.map((r) => [firstDeliveryKey(practiceId, b.id, r).pk, `${r.type}#${r.id}`]));
  const found = await batchGet(
    recipients.map((r) => firstDeliveryKey(practiceId, b.id, r)),
    { consistent: true, projection: 'pk' },
  );
  return new Set(found.map((i) => byPk.get(i['pk'] as string)).filter((k): k is string => !!k));
}

export function itemsOf(practiceId: string, b: BroadcastRecord, r: BroadcastRecipient, notifyBlocked: ReadonlySet<string>): { items: Item[]; deliveries: Item[] } {
  const at = b.createdAt;
  const sender: Party = { type: 'staff', id: b.sender.id, name: b.sender.name ?? 'Administrator', role: b.sender.role };
  const recipientParty = { type: r.type, id: r.id, name: r.name, role: 'patient' } as unknown as Party;
  const conversation: ConversationRecord = {
    id: conversationIdOf(b.id, r),
    kind: 'broadcast',
    channel: b.channel,
    subject: b.subject,
    participants: [sender, recipientParty],
    createdBy: { type: 'staff', id: b.sender.id },
    createdAt: at,
    lastMessageAt: at,
    lastDirection: 'outbound',
  };
  const messageId = messageIdOf(conversation.id);
  const recipient = { type: r.type, id: r.id };
  const deliveries: DeliveryRecord[] =
    b.channel === 'portal'
      ? [
          { recipient, channel: 'portal', address: null, status: 'delivered', purpose: 'message' },
          ...(r.notify
            ? [{ recipient, channel: 'email' as const, address: r.notify, status: notifyBlocked.has(r.notify) ? ('blocked' as const) : ('queued' as const), purpose: 'notification' as const }]
            : []),
        ]
      : [{ recipient, channel: b.channel, address: r.address, status: 'queued', purpose: 'message', broadcastId: b.id }];
  // A short SMS or WhatsApp text rides on the delivery, so the dispatcher reads no message (the item stays under 1 KB).
  const carried = b.channel !== 'email' && b.channel !== 'portal' && Buffer.byteLength(b.body, 'utf8') <= CARRIED_TEXT_MAX_BYTES ? { text: b.body } : {};
  const items: Item[] = [
    conversationItem(practiceId, conversation),
    {
      ...keys.message(practiceId, conversation.id, messageId),
      type: 'Message',
      id: messageId,
      conversationId: conversation.id,
      channel: b.channel,
      direction: 'outbound',
      author: { type: 'staff', id: b.sender.id },
      body: b.body,
      attachments: [],
      createdAt: at,
      deliveryCount: deliveries.length,
    },
  ];
  if (r.type === 'patient') {
    // Only the recipient's inbox: a blast must not flood the sender's with thousands of threads.
    items.push(
      statePut(practiceId, conversation, {
        conversationId: conversation.id,
        party: { type: 'patient', id: r.id },
        status: 'unread',
        archived: false,
        starred: false,
        lastMessageAt: at,
      }).Item,
      { ...keys.correspondence(practiceId, r.id, messageId), type: 'Correspondence', conversationId: conversation.id, messageId, channel: b.channel, createdAt: at },
    );
  } else {
    // A contact has no inbox or correspondence: its history finds the message through this pointer.
    items.push({ ...keys.contactMessage(practiceId, r.id, at, messageId), type: 'ContactMessage', contactId: r.id, messageId, conversationId: conversation.id, at });
  }
  const deliveryItems = deliveries.map((d, i) => {
    const key = keys.delivery(practiceId, conversation.id, messageId, i);
    return {
      ...key,
      type: 'Delivery',
      practiceId,
      conversationId: conversation.id,
      messageId,
      createdAt: at,
      ...d,
      ...(d.purpose === 'message' ? carried : {}),
      address: d.address ?? undefined,
      ...queuedLease(practiceId, conversation.id, key.sk, d, at),
    };
  });
  return { items, deliveries: deliveryItems };
}

export async function writeRecipients(practiceId: string, b: BroadcastRecord, recipients: readonly BroadcastRecipient[], notifyBlocked: ReadonlySet<string>): Promise<void> {
  const all = recipients.map((r) => itemsOf(practiceId, b, r, notifyBlocked));
  await batchPut(all.flatMap((x) => x.items));
  await batchPut(all.flatMap((x) => x.deliveries));
}
