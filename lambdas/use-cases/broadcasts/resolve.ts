/**
 * Who of a set of audience members a broadcast reaches, and why the others are left out:
 * archived contacts, patients with chat disabled (their own setting, else their groups', else the
 * practice default), no address on the channel, a blocked address, an opted-out number. Reads
 * the people in one BatchGetItem per 100, their groups' chat settings once per group, and the
 * blocks and opt-outs of their addresses in BatchGetItem calls: no Query per person. A preview
 * may list the practice's groups, active blocks and opt-outs up front instead (few next to its patients).
 */
import { effectiveChat, type PartialChatSettings } from '../../domain/chat-settings.js';
import { channelAddress, type ComposeChannel } from '../../domain/conversation-policy.js';
import { practiceDefaultOf } from '../chat-settings.js';
import type { ContactRecord, MemberRef } from '../contacts/ports.js';
import type { PracticeSettingsRecord } from '../directory-ports.js';
import { noneExcluded, type AudienceDirectory, type BroadcastRecipient, type Excluded, type LeftOut, type LeftOutReason } from './ports.js';

export interface Resolved {
  recipients: BroadcastRecipient[];
  leftOut: LeftOut[];
  excluded: Excluded;
}

/** Reads kept for one resolution (a chunk, a preview): the practice settings and each group's chat once. */
export interface ResolutionCache {
  settings?: PracticeSettingsRecord;
  groupChat: Map<string, PartialChatSettings | null>;
  /** Every group of the practice with chat settings of its own, when listed up front (a preview): no other group has any. */
  allGroupChats?: ReadonlyMap<string, PartialChatSettings>;
  /** Every actively blocked address of the practice (`type#value`), when listed up front (a preview): no other address is blocked. */
  allBlocked?: ReadonlySet<string>;
  /** Every opted-out number of the practice (`phone#value`), when listed up front (a preview): no other number is opted out. */
  allOptedOut?: ReadonlySet<string>;
}
export const newCache = (): ResolutionCache => ({ groupChat: new Map() });

const contactAddress = (channel: ComposeChannel, c: ContactRecord): string | null =>
  channel === 'email' ? c.email : channel === 'portal' ? null : (c.primaryPhone ?? c.secondaryPhone);

const excludedKey: Record<LeftOutReason, keyof Excluded> = {
  chat_disabled: 'chatDisabled',
  blocked: 'blocked',
  no_address: 'noAddress',
  opted_out: 'optedOut',
  archived: 'archived',
};

export async function resolveMembers(
  dir: AudienceDirectory,
  practiceId: string,
  channel: ComposeChannel,
  refs: readonly MemberRef[],
  cache: ResolutionCache,
): Promise<Resolved> {
  const patientIds = refs.filter((r) => r.type === 'patient').map((r) => r.id);
  const contactIds = refs.filter((r) => r.type === 'contact').map((r) => r.id);
  // No group of the practice has chat settings: the patients' group ids change nothing, so they are not read.
  const groups = cache.allGroupChats?.size !== 0;
  const [patients, contacts] = await Promise.all([
    patientIds.length ? dir.patients(practiceId, patientIds, { groups }) : [],
    contactIds.length ? dir.contacts(practiceId, contactIds) : [],
  ]);
  if (patients.some((p) => !p.chat)) {
    cache.settings ??= await dir.settings(practiceId);
    const unknown = [...new Set(patients.filter((p) => !p.chat).flatMap((p) => p.groupIds))].filter((g) => !cache.groupChat.has(g));
    if (unknown.length && cache.allGroupChats) {
      for (const g of unknown) cache.groupChat.set(g, cache.allGroupChats.get(g) ?? null);
    } else if (unknown.length) {
      const groups = await dir.groups(practiceId, unknown);
      for (const g of unknown) cache.groupChat.set(g, groups.find((x) => x.id === g)?.chat ?? null);
    }
  }

  const leftOut: LeftOut[] = [];
  const candidates: BroadcastRecipient[] = [];
  for (const p of patients) {
    const left = (reason: LeftOutReason) => leftOut.push({ type: 'patient', id: p.id, name: p.name, reason });
    const groupChats = p.chat ? [] : p.groupIds.map((g) => cache.groupChat.get(g)).filter((c): c is PartialChatSettings => !!c);
    const chat = effectiveChat(p.chat, groupChats, cache.settings ? practiceDefaultOf(cache.settings, p.createdAt) : { directMessaging: true, communityChat: true });
    if (!chat.directMessaging.value) {
      left('chat_disabled');
      continue;
    }
    const address = channelAddress(channel, p);
    if (channel !== 'portal' && !address) {
      left('no_address');
      continue;
    }
    candidates.push({ type: 'patient', id: p.id, name: p.name, address, notify: channel === 'portal' ? p.email : null });
  }
  for (const c of contacts) {
    if (c.status === 'archived') {
      leftOut.push({ type: 'contact', id: c.id, name: c.name, reason: 'archived' });
      continue;
    }
    const address = contactAddress(channel, c);
    if (!address) {
      leftOut.push({ type: 'contact', id: c.id, name: c.name, reason: 'no_address' });
      continue;
    }
    candidates.push({ type: 'contact', id: c.id, name: c.name, address, notify: null });
  }

  const typeOf = (a: string) => (a.includes('@') ? 'email' : 'phone') as 'email' | 'phone';
  const addresses = [...new Set(candidates.map((r) => r.address).filter((a): a is string => a !== null))].map((value) => ({ type: typeOf(value), value }));
  // Opt-outs only count off email; blocks and opt-outs listed up front (a preview) are matched here, not read again.
  const read = { blocks: !cache.allBlocked, optOuts: channel !== 'email' && !cache.allOptedOut };
  const { blocked, optedOut } =
    addresses.length && (read.blocks || read.optOuts) ? await dir.barriers(practiceId, addresses, read) : { blocked: new Set<string>(), optedOut: new Set<string>() };
  if (cache.allBlocked) for (const a of addresses) if (cache.allBlocked.has(`${a.type}#${a.value}`)) blocked.add(a.value);
  if (cache.allOptedOut && channel !== 'email') for (const a of addresses) if (cache.allOptedOut.has(`${a.type}#${a.value}`)) optedOut.add(a.value);
  const recipients: BroadcastRecipient[] = [];
  for (const r of candidates) {
    const reason: LeftOutReason | null = r.address && blocked.has(r.address) ? 'blocked' : r.address && channel !== 'email' && optedOut.has(r.address) ? 'opted_out' : null;
    if (reason) leftOut.push({ type: r.type, id: r.id, name: r.name, reason });
    else recipients.push(r);
  }
  const excluded = noneExcluded();
  for (const l of leftOut) excluded[excludedKey[l.reason]]++;
  return { recipients, leftOut, excluded };
}

export const addExcluded = (a: Excluded, b: Excluded): Excluded => ({
  blocked: a.blocked + b.blocked,
  chatDisabled: a.chatDisabled + b.chatDisabled,
  noAddress: a.noAddress + b.noAddress,
  optedOut: a.optedOut + b.optedOut,
  archived: a.archived + b.archived,
});
