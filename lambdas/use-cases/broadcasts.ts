/**
 * Broadcasts (message blasts). The API call resolves the audience (patients, contacts, group
 * members), leaves out blocked addresses, chat-disabled patients and people the channel cannot
 * reach — counting each — stores the request with its recipients in chunks of 100, and answers
 * 202. Each chunk fans out in the background off the table's stream: every recipient gets a
 * conversation and message of their own (nobody sees the others; nobody can reply), whose
 * delivery the dispatcher sends and counts back on the broadcast.
 */
import { ulid } from 'ulid';
import { requireStaff, type Caller } from '../domain/caller.js';
import { assertValidContent, channelAddress, requireSendPermission, type ComposeChannel, type Party } from '../domain/conversation-policy.js';
import { notFound } from '../domain/errors.js';
import type { BlockRepository } from './blocks/ports.js';
import type { ContactMessageLog, ContactRecord, ContactRepository, GroupRepository } from './contacts/ports.js';
import type { ConversationRecord, ConversationRepository, DeliveryRecord, MessageRecord } from './conversations/index.js';
import { WriteConflict } from './conversations/index.js';
import { patientFacts, type ConversationDeps } from './conversations/index.js';
import { everyPage } from './every-page.js';

export interface BroadcastRecipient {
  type: 'patient' | 'contact';
  id: string;
  name: string;
  /** null on portal (the portal needs none); the notification email goes to `notify`. */
  address: string | null;
  notify: string | null;
}

export type BroadcastStatus = 'queued' | 'sending' | 'done';
export interface BroadcastCounts {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  blocked: number;
  suppressed: number;
}

export interface BroadcastRecord {
  id: string;
  channel: ComposeChannel;
  subject: string | null;
  body: string;
  sender: { id: string; name: string | null; role: Party['role'] };
  recipients: number;
  /** `archived` is absent on broadcasts stored before archived contacts were counted (read as 0). */
  excluded: { blocked: number; chatDisabled: number; noAddress: number; archived?: number };
  status: BroadcastStatus;
  counts: BroadcastCounts;
  createdAt: string;
}

export interface BroadcastRepository {
  /** The broadcast and its chunks; chunks are written after the broadcast. */
  create(practiceId: string, broadcast: BroadcastRecord, chunks: BroadcastRecipient[][]): Promise<void>;
  get(practiceId: string, id: string): Promise<BroadcastRecord | null>;
  /** queued → sending (first chunk); adds settled outcomes and moves `queued` down; done at zero. */
  progress(practiceId: string, id: string, change: Partial<BroadcastCounts>): Promise<void>;
}

export interface BroadcastDeps extends ConversationDeps {
  broadcasts: BroadcastRepository;
  contacts: ContactRepository;
  groups: GroupRepository;
  blockRecords: BlockRepository;
  contactMessages: ContactMessageLog;
}

export interface BroadcastInput {
  channel: ComposeChannel;
  subject?: string | undefined;
  body: string;
  audience: { patientIds?: string[] | undefined; contactIds?: string[] | undefined; groupIds?: string[] | undefined };
}

const CHUNK = 100;

async function groupMembers(deps: BroadcastDeps, practiceId: string, groupId: string) {
  if (!(await deps.groups.getGroup(practiceId, groupId))) throw notFound(`Group ${groupId}`);
  return everyPage((cursor) => deps.groups.listMembers(practiceId, groupId, { limit: 100, cursor }));
}

const contactAddress = (channel: ComposeChannel, c: ContactRecord): string | null =>
  channel === 'email' ? c.email : channel === 'portal' ? null : (c.primaryPhone ?? c.secondaryPhone);

export async function createBroadcast(deps: BroadcastDeps, caller: Caller, input: BroadcastInput) {
  requireStaff(caller);
  requireSendPermission(caller);
  assertValidContent({ channel: input.channel, subject: input.subject, body: input.body, attachmentIds: [] });
  const practiceId = caller.practiceId;

  const patientIds = new Set(input.audience.patientIds ?? []);
  const contactIds = new Set(input.audience.contactIds ?? []);
  for (const groupId of new Set(input.audience.groupIds ?? [])) {
    for (const m of await groupMembers(deps, practiceId, groupId)) (m.type === 'patient' ? patientIds : contactIds).add(m.id);
  }
  const [patients, contacts] = await Promise.all([
    deps.directory.getPatients(practiceId, [...patientIds]),
    deps.contacts.getContacts(practiceId, [...contactIds]),
  ]);
  const explicitPatients = new Set(input.audience.patientIds ?? []);
  const explicitContacts = new Set(input.audience.contactIds ?? []);
  for (const id of explicitPatients) if (!patients.some((p) => p.id === id)) throw notFound(`Patient ${id}`);
  for (const id of explicitContacts) if (!contacts.some((c) => c.id === id)) throw notFound(`Contact ${id}`);

  const excluded = { blocked: 0, chatDisabled: 0, noAddress: 0, archived: 0 };
  const candidates: BroadcastRecipient[] = [];
  for (const f of await patientFacts(deps, practiceId, patients)) {
    if (!f.directMessaging) {
      excluded.chatDisabled++;
      continue;
    }
    const address = channelAddress(input.channel, f);
    if (input.channel !== 'portal' && !address) {
      excluded.noAddress++;
      continue;
    }
    candidates.push({ type: 'patient', id: f.id, name: f.name, address, notify: input.channel === 'portal' ? f.email : null });
  }
  for (const c of contacts) {
    if (c.status === 'archived') {
      excluded.archived++;
      continue;
    }
    const address = contactAddress(input.channel, c);
    if (!address) {
      excluded.noAddress++;
      continue;
    }
    candidates.push({ type: 'contact', id: c.id, name: c.name, address, notify: null });
  }
  // One BatchGetItem per 100 addresses: the blocked are left out and counted.
  const typeOf = (a: string) => (a.includes('@') ? 'email' : 'phone') as 'email' | 'phone';
  const checked = candidates
    .map((r) => r.address ?? r.notify)
    .filter((a): a is string => a !== null)
    .map((value) => ({ type: typeOf(value), value }));
  const blocked = new Set((await deps.blockRecords.activeAmong(practiceId, checked)).map((b) => b.value));
  const recipients = candidates.filter((r) => {
    if (r.address && blocked.has(r.address)) {
      excluded.blocked++;
      return false;
    }
    return true;
  });

  const at = deps.now().toISOString();
  const broadcast: BroadcastRecord = {
    id: ulid(),
    channel: input.channel,
    subject: input.subject?.trim() || null,
    body: input.body,
    sender: { id: caller.id, name: caller.name, role: caller.role },
    recipients: recipients.length,
    excluded,
    status: recipients.length === 0 ? 'done' : 'queued',
    counts: { queued: recipients.length, sent: 0, delivered: 0, failed: 0, blocked: 0, suppressed: 0 },
    createdAt: at,
  };
  const chunks: BroadcastRecipient[][] = [];
  for (let i = 0; i < recipients.length; i += CHUNK) chunks.push(recipients.slice(i, i + CHUNK));
  await deps.broadcasts.create(practiceId, broadcast, chunks);
  return { id: broadcast.id, recipients: broadcast.recipients, excluded };
}

export async function getBroadcast(deps: BroadcastDeps, caller: Caller, id: string) {
  requireStaff(caller);
  const b = await deps.broadcasts.get(caller.practiceId, id);
  if (!b) throw notFound('Broadcast');
  return { id: b.id, status: b.status, channel: b.channel, recipients: b.recipients, excluded: { archived: 0, ...b.excluded }, counts: b.counts, createdAt: b.createdAt };
}

/**
 * Background: one chunk of recipients. Ids are derived from the broadcast and the recipient, so
 * a redelivered chunk finds its conversations already written and skips them.
 */
export async function fanOutChunk(
  deps: { conversations: ConversationRepository; broadcasts: BroadcastRepository; blockRecords: BlockRepository; contactMessages: ContactMessageLog },
  practiceId: string,
  broadcast: BroadcastRecord,
  chunkIndex: number,
  recipients: readonly BroadcastRecipient[],
): Promise<void> {
  let portalDelivered = 0;
  const notifyBlocked = new Set(
    (await deps.blockRecords.activeAmong(
      practiceId,
      recipients.filter((r) => r.notify).map((r) => ({ type: 'email' as const, value: r.notify as string })),
    )).map((b) => b.value),
  );
  for (let i = 0; i < recipients.length; i++) {
    const r = recipients[i] as BroadcastRecipient;
    const suffix = `${String(chunkIndex).padStart(5, '0')}${String(i).padStart(3, '0')}`;
    const sender: Party = { type: 'staff', id: broadcast.sender.id, name: broadcast.sender.name ?? 'Administrator', role: broadcast.sender.role };
    const recipientParty = { type: r.type, id: r.id, name: r.name, role: 'patient' } as unknown as Party;
    const conversation: ConversationRecord = {
      id: `${broadcast.id}-${suffix}`,
      kind: 'broadcast',
      channel: broadcast.channel,
      subject: broadcast.subject,
      participants: [sender, recipientParty],
      createdBy: { type: 'staff', id: broadcast.sender.id },
      createdAt: broadcast.createdAt,
      lastMessageAt: broadcast.createdAt,
      lastDirection: 'outbound',
    };
    const recipient = { type: r.type, id: r.id };
    const deliveries: DeliveryRecord[] =
      broadcast.channel === 'portal'
        ? [
            { recipient, channel: 'portal', address: null, status: 'delivered', purpose: 'message' },
            ...(r.notify
              ? [
                  {
                    recipient,
                    channel: 'email' as const,
                    address: r.notify,
                    status: notifyBlocked.has(r.notify) ? ('blocked' as const) : ('queued' as const),
                    purpose: 'notification' as const,
                  },
                ]
              : []),
          ]
        : [{ recipient, channel: broadcast.channel, address: r.address, status: 'queued', purpose: 'message', broadcastId: broadcast.id }];
    const message: MessageRecord = {
      id: `${broadcast.id}-${suffix}-m`,
      conversationId: conversation.id,
      channel: broadcast.channel,
      direction: 'outbound',
      author: { type: 'staff', id: broadcast.sender.id },
      body: broadcast.body,
      attachments: [],
      createdAt: broadcast.createdAt,
      deliveries,
    };
    try {
      await deps.conversations.send(practiceId, {
        conversation,
        isNew: true,
        message,
        // Only the recipient's inbox: a blast must not flood the sender's with thousands of threads.
        states: r.type === 'patient'
          ? [{ conversationId: conversation.id, party: { type: 'patient', id: r.id }, status: 'unread', archived: false, starred: false, lastMessageAt: broadcast.createdAt }]
          : [],
        correspondenceOf: r.type === 'patient' ? [r.id] : [],
        pairs: [],
      });
      if (broadcast.channel === 'portal') portalDelivered++;
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error; // already fanned out: a redelivered chunk
    }
    // A contact has no inbox or correspondence: its history finds the message through this pointer
    // (written after the send, again on a redelivered chunk, so it is never lost).
    if (r.type === 'contact') {
      await deps.contactMessages.record(practiceId, r.id, { messageId: message.id, conversationId: conversation.id, at: message.createdAt });
    }
  }
  await deps.broadcasts.progress(practiceId, broadcast.id, portalDelivered > 0 ? { delivered: portalDelivered, queued: -portalDelivered } : {});
}
