/**
 * What a new message must deliver, and the attachments it may carry. One delivery per external
 * recipient: the patient's address on the conversation's channel, or for portal messages the
 * in-portal delivery plus a no-content notification email. Blocked addresses are stored as
 * `blocked` and answered with a warning; nothing will be sent to them.
 */
import type { Caller } from '../../domain/caller.js';
import { channelAddress, type Channel, type PatientFacts } from '../../domain/conversation-policy.js';
import { assertChannelCarries } from '../../domain/attachment-rules.js';
import { DomainError } from '../../domain/errors.js';
import type { AttachedFile, ConversationDeps, DeliveryRecord, PartyRef, Warning } from './ports.js';

export async function planDeliveries(
  deps: ConversationDeps,
  practiceId: string,
  channel: Channel,
  author: PartyRef,
  recipients: readonly PatientFacts[],
): Promise<{ deliveries: DeliveryRecord[]; warnings: Warning[] }> {
  const planned: (DeliveryRecord & { blockKey?: string })[] = [];
  for (const p of recipients) {
    if (author.type === 'patient' && author.id === p.id) continue;
    const recipient: PartyRef = { type: 'patient', id: p.id };
    if (channel === 'call') continue;
    if (channel === 'portal') {
      planned.push({ recipient, channel: 'portal', address: null, status: 'delivered', purpose: 'message' });
      if (p.email) {
        planned.push({ recipient, channel: 'email', address: p.email, status: 'queued', purpose: 'notification', blockKey: `email:${p.email}` });
      }
      continue;
    }
    const address = channelAddress(channel, p);
    if (!address) continue;
    const type = channel === 'email' ? 'email' : 'phone';
    planned.push({ recipient, channel, address, status: 'queued', purpose: 'message', blockKey: `${type}:${address}` });
  }
  const lookups = planned
    .filter((d) => d.blockKey)
    .map((d) => ({ type: (d.channel === 'email' ? 'email' : 'phone') as 'email' | 'phone', value: d.address as string }));
  const blocked = lookups.length > 0 ? await deps.blocks.blockedAmong(practiceId, lookups) : new Set<string>();
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
