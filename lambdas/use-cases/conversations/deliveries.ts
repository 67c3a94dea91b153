/**
 * What a new message must deliver, and the attachments it may carry. One delivery per external
 * recipient: the patient's address on the conversation's channel, or for portal messages the
 * in-portal delivery plus a no-content notification email. Staff recipients of a portal message
 * get the same notification email. Nobody whose effective `emailNotifications` is false gets
 * one (patients: chat settings; staff: their own, PATCH /v1/me). Blocked addresses are stored
 * as `blocked` and answered with a warning; nothing will be sent to them. A contact in the
 * conversation (an inbound sender) gets the message on its channel at their address, like a patient.
 */
import type { Caller } from '../../domain/caller.js';
import { channelAddress, type Channel, type PatientFacts } from '../../domain/conversation-policy.js';
import { assertChannelCarries } from '../../domain/attachment-rules.js';
import { DomainError } from '../../domain/errors.js';
import type { StaffRecord } from '../directory-ports.js';
import type { AttachedFile, ContactAddressReader, ConversationDeps, DeliveryRecord, PartyRef, Warning } from './ports.js';

type ContactAddresses = Awaited<ReturnType<ContactAddressReader['getContacts']>>[number];
type Planned = DeliveryRecord & { blockKey?: string };
type Lookup = { type: 'email' | 'phone'; value: string };

/** The block check a send made with its other reads: which addresses it looked up, and which of them are blocked. */
export interface CheckedBlocks {
  checked: ReadonlySet<string>;
  blocked: ReadonlySet<string>;
}

/** What a send already read: the staff records of its staff participants, and the block check of its addresses. */
export interface KnownForPlan {
  staff: readonly StaffRecord[];
  blocks: CheckedBlocks;
}

export async function planDeliveries(
  deps: ConversationDeps,
  practiceId: string,
  channel: Channel,
  author: PartyRef,
  recipients: readonly PatientFacts[],
  /** Staff participants (the author is skipped): notified of portal messages by email. */
  staffIds: readonly string[] = [],
  /** Contacts in the conversation (never on portal: a contact has no portal). */
  contacts: readonly ContactAddresses[] = [],
  /** Read already (send-reads.ts): no staff read, and only addresses it did not check are checked now. */
  known?: KnownForPlan,
): Promise<{ deliveries: DeliveryRecord[]; warnings: Warning[] }> {
  const notified = channel === 'portal' ? notifiedStaffIds(author, staffIds) : [];
  const staff = known ? known.staff.filter((s) => notified.includes(s.id)) : notified.length > 0 ? await deps.directory.getStaffMany(practiceId, notified) : [];
  const planned = plan(channel, author, recipients, staff, contacts);
  const lookups = lookupsOf(planned).filter((l) => !known?.blocks.checked.has(keyOf(l)));
  const blocked = new Set(known?.blocks.blocked ?? []);
  if (lookups.length > 0) for (const k of await deps.blocks.blockedAmong(practiceId, lookups)) blocked.add(k);
  const warnings: Warning[] = [];
  const deliveries = planned.map(({ blockKey, ...d }) => {
    if (blockKey && blocked.has(blockKey)) {
      warnings.push({ code: 'recipient_blocked', recipient: d.recipient, channel: d.channel, address: d.address as string });
      return { ...d, status: 'blocked' as const };
    }
    return d;
  });
  return { deliveries, warnings };
}

/**
 * Every address a send to these people may use, for a block check made before the patients'
 * effective settings are known: notification emails are included whatever the settings say (a
 * superset of what planDeliveries will look up).
 */
export function addressesToCheck(
  channel: Channel,
  author: PartyRef,
  recipients: readonly PatientFacts[],
  staff: readonly StaffRecord[],
  staffIds: readonly string[],
  contacts: readonly ContactAddresses[],
): Lookup[] {
  const notified = channel === 'portal' ? notifiedStaffIds(author, staffIds) : [];
  const everyNotification = recipients.map((r) => ({ ...r, emailNotifications: true }));
  return lookupsOf(plan(channel, author, everyNotification, staff.filter((s) => notified.includes(s.id)), contacts));
}

export const keyOf = (l: Lookup): string => `${l.type}:${l.value}`;

const notifiedStaffIds = (author: PartyRef, staffIds: readonly string[]) => staffIds.filter((id) => !(author.type === 'staff' && author.id === id));

const lookupsOf = (planned: readonly Planned[]): Lookup[] =>
  planned.filter((d) => d.blockKey).map((d) => ({ type: d.channel === 'email' ? 'email' : 'phone', value: d.address as string }));

function plan(
  channel: Channel,
  author: PartyRef,
  recipients: readonly PatientFacts[],
  staff: readonly StaffRecord[],
  contacts: readonly ContactAddresses[],
): Planned[] {
  const planned: Planned[] = [];
  for (const c of contacts) {
    if (author.type === 'contact' && author.id === c.id) continue;
    const address = channelAddress(channel, { email: c.email, phone: c.primaryPhone, whatsapp: null });
    if (!address) continue;
    const type = channel === 'email' ? 'email' : 'phone';
    planned.push({ recipient: { type: 'contact', id: c.id }, channel, address, status: 'queued', purpose: 'message', blockKey: `${type}:${address}` });
  }
  for (const p of recipients) {
    if (author.type === 'patient' && author.id === p.id) continue;
    const recipient: PartyRef = { type: 'patient', id: p.id };
    if (channel === 'call') continue;
    if (channel === 'portal') {
      planned.push({ recipient, channel: 'portal', address: null, status: 'delivered', purpose: 'message' });
      if (p.email && p.emailNotifications !== false) {
        planned.push({ recipient, channel: 'email', address: p.email, status: 'queued', purpose: 'notification', blockKey: `email:${p.email}` });
      }
      continue;
    }
    const address = channelAddress(channel, p);
    if (!address) continue;
    const type = channel === 'email' ? 'email' : 'phone';
    planned.push({ recipient, channel, address, status: 'queued', purpose: 'message', blockKey: `${type}:${address}` });
  }
  if (channel === 'portal') planned.push(...staffNotifications(staff));
  return planned;
}

/** The notification emails of staff recipients: active, with an email, not turned off. */
function staffNotifications(staff: readonly StaffRecord[]): Planned[] {
  return staff
    .filter((s) => s.status === 'active' && s.email && s.emailNotifications !== false)
    .map((s) => ({
      recipient: { type: 'staff', id: s.id },
      channel: 'email',
      address: s.email as string,
      status: 'queued',
      purpose: 'notification',
      blockKey: `email:${s.email as string}`,
    }));
}

/**
 * Only the caller's own attachments whose upload is complete (SMS carries none: checked before),
 * and only what the channel can carry (email within SES's size, WhatsApp's media types): the
 * files, in the order named, each once.
 */
export async function assertAttachments(deps: ConversationDeps, caller: Caller, channel: Channel, ids: readonly string[]): Promise<AttachedFile[]> {
  if (ids.length === 0 || channel === 'sms') return [];
  const ready = await deps.attachments.readyFor(caller, ids);
  const missing = ids.filter((id) => !ready.has(id));
  if (missing.length > 0) {
    throw new DomainError('attachment_not_ready', 'Only your own attachments whose upload is complete can be attached.', {
      errors: missing.map((id) => ({ path: `attachmentIds.${ids.indexOf(id)}`, message: 'Not a ready attachment of yours' })),
    });
  }
  const files = [...new Set(ids)].map((id) => ready.get(id) as AttachedFile);
  assertChannelCarries(channel, files);
  return files;
}
