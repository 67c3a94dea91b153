/**
 * Contacts (non-patient people: leads, inbound senders, others) and groups. Blocking a contact
 * blocks each of its addresses through the blocks module (the same block records, linked to the
 * contact), so every send and inbound path honours it without knowing about contacts.
 */
import { ulid } from 'ulid';
import { requirePermission, type Caller } from '../domain/caller.js';
import type { PartialChatSettings } from '../domain/chat-settings.js';
import { concurrentUpdate, conflict, notFound, validationFailed } from '../domain/errors.js';
import type { AddressType, BlockEvent, Person } from './block-ports.js';
import { blockAddress, normalizeAddress, unblock, type BlockDeps } from './blocks.js';
import type {
  ContactListFilter,
  ContactRecord,
  ContactRepository,
  ContactStatus,
  GroupRecord,
  MemberRef,
} from './contact-ports.js';
import { normalizeSearchQuery } from '../domain/contact-address.js';
import type { DirectoryRepository, Page, PageRequest } from './directory-ports.js';

export interface ContactDeps {
  contacts: ContactRepository;
  directory: DirectoryRepository;
  /** The blocks module's own dependencies: contacts block and unblock through its use cases. */
  blocking: BlockDeps;
  now: () => Date;
}

export type ContactView = Omit<ContactRecord, 'blockHistoryIds'>;
export const contactView = ({ blockHistoryIds: _history, ...rest }: ContactRecord): ContactView => rest;

type Address = { type: AddressType; value: string };

/** A contact's addresses, deduplicated (both phones may be one number). */
export function addressesOf(c: Pick<ContactRecord, 'email' | 'primaryPhone' | 'secondaryPhone'>): Address[] {
  const out = new Map<string, Address>();
  if (c.email) out.set(`email:${c.email}`, { type: 'email', value: c.email });
  for (const phone of [c.primaryPhone, c.secondaryPhone]) if (phone) out.set(`phone:${phone}`, { type: 'phone', value: phone });
  return [...out.values()];
}
const keyOf = (a: Address) => `${a.type}:${a.value}`;

function later(previous: string, now: Date): string {
  return new Date(Math.max(now.getTime(), Date.parse(previous) + 1)).toISOString();
}

const personOf = (c: { id: string; name: string }): Person => ({ id: c.id, name: c.name });

/** Blocks each address for the contact; an address already blocked keeps its existing block. */
async function blockAll(deps: ContactDeps, caller: Caller, contact: Person, addresses: readonly Address[], reason: string | null) {
  const blockIds: string[] = [];
  const created: string[] = [];
  for (const a of addresses) {
    const outcome = await blockAddress(deps.blocking, caller, a, { reason: reason ?? undefined, contact });
    if (outcome.status === 'blocked') {
      blockIds.push(outcome.block.id);
      created.push(outcome.block.id);
    } else {
      blockIds.push(outcome.existingBlockId);
    }
  }
  return { blockIds, created };
}

/** The active blocks linked to the contact (gsi2 of the blocks module), every page. */
async function activeBlocksOf(deps: ContactDeps, caller: Caller, contactId: string) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await deps.blocking.blocks.list(caller.practiceId, { contactId, limit: 100, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function load(deps: ContactDeps, caller: Caller, id: string): Promise<ContactRecord> {
  const c = await deps.contacts.getContact(caller.practiceId, id);
  if (!c) throw notFound('Contact');
  return c;
}

async function requireGroups(deps: ContactDeps, caller: Caller, ids: readonly string[], path: string): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await deps.contacts.getGroups(caller.practiceId, ids)).map((g) => g.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw notFound(`Group ${missing} (${path})`);
}

// ------------------------------------------------------------------ POST /v1/contacts

export interface ContactInput {
  name?: string | undefined;
  email?: string | null | undefined;
  primaryPhone?: string | null | undefined;
  secondaryPhone?: string | null | undefined;
  category?: string | null | undefined;
}

function normalised(input: ContactInput, region: string) {
  const address = (type: AddressType, v: string | null | undefined, path: string) =>
    v === undefined ? undefined : v === null ? null : normalizeAddress(type, v, region, path);
  return {
    email: address('email', input.email, 'email'),
    primaryPhone: address('phone', input.primaryPhone, 'primaryPhone'),
    secondaryPhone: address('phone', input.secondaryPhone, 'secondaryPhone'),
  };
}

export async function createContact(
  deps: ContactDeps,
  caller: Caller,
  input: ContactInput & { name: string; groupIds?: string[] | undefined; status?: ContactStatus | undefined; blockReason?: string | undefined },
  region: string,
): Promise<ContactView> {
  requirePermission(caller, 'manage_contacts');
  const status = input.status ?? 'active';
  if (input.blockReason !== undefined && status !== 'blocked') {
    throw validationFailed([{ path: 'blockReason', message: 'A block reason is only taken with status "blocked"' }]);
  }
  const addr = normalised(input, region);
  const groupIds = [...new Set(input.groupIds ?? [])];
  await requireGroups(deps, caller, groupIds, 'groupIds');
  const id = ulid();
  const at = deps.now().toISOString();
  const contact: ContactRecord = {
    id,
    name: input.name,
    email: addr.email ?? null,
    primaryPhone: addr.primaryPhone ?? null,
    secondaryPhone: addr.secondaryPhone ?? null,
    category: input.category ?? null,
    groupIds: groupIds.sort(),
    status,
    blockReason: status === 'blocked' ? (input.blockReason ?? null) : null,
    blockedAt: status === 'blocked' ? at : null,
    blockIds: [],
    createdAt: at,
    updatedAt: at,
    blockHistoryIds: [],
  };
  if (status === 'blocked') {
    // Blocks first: should the contact write fail, the addresses are still blocked (the safe
    // side), and a retry with the same Idempotency-Key finds them blocked and links them.
    const { blockIds, created } = await blockAll(deps, caller, personOf(contact), addressesOf(contact), contact.blockReason);
    contact.blockIds = blockIds;
    contact.blockHistoryIds = created;
  }
  await deps.contacts.createContact(caller.practiceId, contact);
  return contactView(contact);
}

// ------------------------------------------------------------------ read and list

export async function getContact(deps: ContactDeps, caller: Caller, id: string): Promise<ContactView> {
  requirePermission(caller, 'manage_contacts');
  return contactView(await load(deps, caller, id));
}

export async function listContacts(
  deps: ContactDeps,
  caller: Caller,
  input: PageRequest & Omit<ContactListFilter, 'q'> & { q?: string | undefined },
): Promise<Page<ContactView>> {
  requirePermission(caller, 'manage_contacts');
  // Date-times are compared as stored (UTC, ISO-8601): one with an offset is turned into that instant.
  const instant = (v: string | undefined) => (v !== undefined && v.includes('T') ? new Date(v).toISOString() : v);
  input = { ...input, blockedFrom: instant(input.blockedFrom), blockedTo: instant(input.blockedTo) };
  const ranged = input.blockedFrom !== undefined || input.blockedTo !== undefined;
  if (ranged && input.status !== undefined && input.status !== 'blocked') {
    throw validationFailed([{ path: 'status', message: 'blockedFrom and blockedTo select blocked contacts; use status=blocked or leave it out' }]);
  }
  if (input.blockedFrom && input.blockedTo && input.blockedFrom > input.blockedTo) {
    throw validationFailed([{ path: 'blockedFrom', message: 'blockedFrom must not be after blockedTo' }]);
  }
  const q = input.q === undefined ? '' : normalizeSearchQuery(input.q);
  const filter: ContactListFilter = {
    status: input.status,
    q: q === '' ? undefined : q,
    category: input.category,
    groupId: input.groupId,
    blockedFrom: input.blockedFrom,
    blockedTo: input.blockedTo,
  };
  const page = await deps.contacts.listContacts(caller.practiceId, filter, { limit: input.limit, cursor: input.cursor });
  return { items: page.items.map(contactView), nextCursor: page.nextCursor };
}

// ------------------------------------------------------------------ PATCH /v1/contacts/{id}

const contactBlocked = () =>
  conflict('contact_blocked', 'The contact is blocked; unblock it (POST /v1/contacts/{id}/unblock) before changing its status.');

export async function updateContact(
  deps: ContactDeps,
  caller: Caller,
  id: string,
  input: ContactInput & { status?: 'active' | 'archived' | undefined },
  region: string,
): Promise<ContactView> {
  requirePermission(caller, 'manage_contacts');
  const addr = normalised(input, region);
  const before = await load(deps, caller, id);
  if (input.status !== undefined && before.status === 'blocked') throw contactBlocked();
  const after: ContactRecord = {
    ...before,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(addr.email !== undefined ? { email: addr.email } : {}),
    ...(addr.primaryPhone !== undefined ? { primaryPhone: addr.primaryPhone } : {}),
    ...(addr.secondaryPhone !== undefined ? { secondaryPhone: addr.secondaryPhone } : {}),
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    updatedAt: later(before.updatedAt, deps.now()),
  };

  let created: string[] = [];
  let toLift: string[] = [];
  if (before.status === 'blocked') {
    // A blocked contact stays blocked: a new address is blocked in place of the old one.
    const oldAddresses = addressesOf(before);
    const newAddresses = addressesOf(after);
    const newKeys = new Set(newAddresses.map(keyOf));
    const oldKeys = new Set(oldAddresses.map(keyOf));
    const added = newAddresses.filter((a) => !oldKeys.has(keyOf(a)));
    const removed = new Set(oldAddresses.filter((a) => !newKeys.has(keyOf(a))).map(keyOf));
    if (added.length || removed.size) {
      const linked = await activeBlocksOf(deps, caller, before.id);
      const onRemoved = linked.filter((b) => removed.has(`${b.type}:${b.value}`));
      const onRemovedIds = new Set(onRemoved.map((b) => b.id));
      const fresh = await blockAll(deps, caller, personOf(after), added, before.blockReason);
      created = fresh.created;
      toLift = onRemoved.map((b) => b.id);
      // Blocks of removed addresses leave the contact (those made for it are lifted below).
      const removedActive = removed.size
        ? await deps.blocking.blocks.activeAmong(caller.practiceId, oldAddresses.filter((a) => removed.has(keyOf(a))))
        : [];
      const dropped = new Set([...onRemovedIds, ...removedActive.map((b) => b.blockId)]);
      after.blockIds = [...new Set([...before.blockIds.filter((b) => !dropped.has(b)), ...fresh.blockIds])];
    }
  }
  if (!(await deps.contacts.updateContact(caller.practiceId, before, after, created))) throw concurrentUpdate();
  for (const blockId of toLift) await unblock(deps.blocking, caller, blockId);
  return contactView(after);
}

// ------------------------------------------------------------------ block and unblock

export type BulkBlockItem =
  | { contactId: string; status: 'blocked' | 'already_blocked'; blockIds: string[] }
  | { contactId: string; status: 'not_found'; blockIds: [] };

export async function blockContacts(
  deps: ContactDeps,
  caller: Caller,
  input: { contactIds: string[]; reason?: string | undefined },
): Promise<{ items: BulkBlockItem[] }> {
  requirePermission(caller, 'manage_contacts');
  const ids = [...new Set(input.contactIds)];
  const items: BulkBlockItem[] = [];
  for (const contactId of ids) {
    items.push(await blockOne(deps, caller, contactId, input.reason ?? null));
  }
  return { items };
}

async function blockOne(deps: ContactDeps, caller: Caller, contactId: string, reason: string | null): Promise<BulkBlockItem> {
  for (let attempt = 0; ; attempt++) {
    const before = await deps.contacts.getContact(caller.practiceId, contactId);
    if (!before) return { contactId, status: 'not_found', blockIds: [] };
    if (before.status === 'blocked') return { contactId, status: 'already_blocked', blockIds: before.blockIds };
    const { blockIds, created } = await blockAll(deps, caller, personOf(before), addressesOf(before), reason);
    const at = later(before.updatedAt, deps.now());
    const after: ContactRecord = { ...before, status: 'blocked', blockReason: reason, blockedAt: at, blockIds, updatedAt: at };
    if (await deps.contacts.updateContact(caller.practiceId, before, after, created)) {
      return { contactId, status: 'blocked', blockIds };
    }
    if (attempt >= 2) throw concurrentUpdate();
  }
}

/**
 * Lifts every active block linked to the contact and sets a blocked contact back to `active`.
 * Group memberships are kept. Blocks of its addresses made independently of the contact (for a
 * patient with the same address, say) are someone else's decision and stay.
 */
export async function unblockContact(deps: ContactDeps, caller: Caller, id: string): Promise<ContactView> {
  requirePermission(caller, 'manage_contacts');
  for (let attempt = 0; ; attempt++) {
    const before = await load(deps, caller, id);
    for (const b of await activeBlocksOf(deps, caller, id)) await unblock(deps.blocking, caller, b.id);
    const after: ContactRecord = {
      ...before,
      status: before.status === 'blocked' ? 'active' : before.status,
      blockReason: null,
      blockedAt: null,
      blockIds: [],
      updatedAt: later(before.updatedAt, deps.now()),
    };
    if (await deps.contacts.updateContact(caller.practiceId, before, after, [])) return contactView(after);
    if (attempt >= 2) throw concurrentUpdate();
  }
}

// ------------------------------------------------------------------ history

export interface ContactHistoryItem {
  kind: 'block_event';
  blockId: string;
  action: BlockEvent['action'];
  by: BlockEvent['by'];
  at: string;
  changes: BlockEvent['changes'];
}

const historyCursor = {
  encode: (at: string, eventId: string) => Buffer.from(JSON.stringify([at, eventId])).toString('base64url'),
  decode: (cursor: string): [string, string] => {
    try {
      const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string')) return v as [string, string];
    } catch {
      /* fall through */
    }
    throw validationFailed([{ path: 'cursor', message: 'Not a cursor from this list' }]);
  },
};

/**
 * The contact's block and unblock events, newest first: the events of every block ever made for
 * it (kept after unblock) and of active blocks linked to it. Contacts cannot be conversation
 * participants yet, so there are no messages to show.
 */
export async function contactHistory(deps: ContactDeps, caller: Caller, id: string, page: PageRequest): Promise<Page<ContactHistoryItem>> {
  requirePermission(caller, 'manage_contacts');
  const contact = await load(deps, caller, id);
  const after = page.cursor ? historyCursor.decode(page.cursor) : undefined;
  const blockIds = new Set([...contact.blockHistoryIds, ...contact.blockIds, ...(await activeBlocksOf(deps, caller, id)).map((b) => b.id)]);
  const events: (ContactHistoryItem & { eventId: string })[] = [];
  for (const blockId of blockIds) {
    let cursor: string | undefined;
    do {
      const res = await deps.blocking.blocks.history(caller.practiceId, blockId, { limit: 100, cursor });
      for (const e of res.items) events.push({ kind: 'block_event', blockId, action: e.action, by: e.by, at: e.at, changes: e.changes, eventId: e.id });
      cursor = res.nextCursor ?? undefined;
    } while (cursor);
  }
  const newestFirst = (a: { at: string; eventId: string }, b: { at: string; eventId: string }) =>
    a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0;
  events.sort(newestFirst);
  const rest = after ? events.filter((e) => newestFirst(e, { at: after[0], eventId: after[1] }) > 0) : events;
  const items = rest.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(({ eventId: _id, ...e }) => e),
    nextCursor: rest.length > page.limit && last ? historyCursor.encode(last.at, last.eventId) : null,
  };
}

// ------------------------------------------------------------------ groups

export type GroupView = GroupRecord;

async function loadGroup(deps: ContactDeps, caller: Caller, id: string): Promise<GroupRecord> {
  const g = await deps.contacts.getGroup(caller.practiceId, id);
  if (!g) throw notFound('Group');
  return g;
}

export async function createGroup(deps: ContactDeps, caller: Caller, input: { name: string }): Promise<GroupView> {
  requirePermission(caller, 'manage_contacts');
  const at = deps.now().toISOString();
  const group: GroupRecord = { id: ulid(), name: input.name, chat: null, memberCount: 0, createdAt: at, updatedAt: at };
  await deps.contacts.createGroup(caller.practiceId, group);
  return group;
}

export async function getGroup(deps: ContactDeps, caller: Caller, id: string): Promise<GroupView> {
  requirePermission(caller, 'manage_contacts');
  return loadGroup(deps, caller, id);
}

export async function listGroups(deps: ContactDeps, caller: Caller, page: PageRequest): Promise<Page<GroupView>> {
  requirePermission(caller, 'manage_contacts');
  return deps.contacts.listGroups(caller.practiceId, page);
}

export async function addMembers(
  deps: ContactDeps,
  caller: Caller,
  groupId: string,
  input: { patientIds?: string[] | undefined; contactIds?: string[] | undefined },
): Promise<{ added: number; group: GroupView }> {
  requirePermission(caller, 'manage_contacts');
  const patientIds = [...new Set(input.patientIds ?? [])];
  const contactIds = [...new Set(input.contactIds ?? [])];
  if (patientIds.length + contactIds.length === 0) {
    throw validationFailed([{ path: 'patientIds', message: 'Name at least one patient or contact' }]);
  }
  await loadGroup(deps, caller, groupId);
  const [patients, contacts] = await Promise.all([
    patientIds.length ? deps.directory.getPatients(caller.practiceId, patientIds) : [],
    contactIds.length ? deps.contacts.getContacts(caller.practiceId, contactIds) : [],
  ]);
  const havePatients = new Set(patients.map((p) => p.id));
  const haveContacts = new Set(contacts.map((c) => c.id));
  const missingPatient = patientIds.find((id) => !havePatients.has(id));
  if (missingPatient) throw notFound(`Patient ${missingPatient}`);
  const missingContact = contactIds.find((id) => !haveContacts.has(id));
  if (missingContact) throw notFound(`Contact ${missingContact}`);
  const members: MemberRef[] = [
    ...patientIds.map((id) => ({ type: 'patient' as const, id })),
    ...contactIds.map((id) => ({ type: 'contact' as const, id })),
  ];
  const added = await deps.contacts.addMembers(caller.practiceId, groupId, members);
  return { added, group: await loadGroup(deps, caller, groupId) };
}

export async function listMembers(
  deps: ContactDeps,
  caller: Caller,
  groupId: string,
  page: PageRequest,
): Promise<Page<{ type: 'patient' | 'contact'; id: string; name: string | null }>> {
  requirePermission(caller, 'manage_contacts');
  await loadGroup(deps, caller, groupId);
  const refs = await deps.contacts.listMembers(caller.practiceId, groupId, page);
  const patientIds = refs.items.filter((m) => m.type === 'patient').map((m) => m.id);
  const contactIds = refs.items.filter((m) => m.type === 'contact').map((m) => m.id);
  const [patients, contacts] = await Promise.all([
    patientIds.length ? deps.directory.getPatients(caller.practiceId, patientIds) : [],
    contactIds.length ? deps.contacts.getContacts(caller.practiceId, contactIds) : [],
  ]);
  const names = new Map<string, string>([
    ...patients.map((p) => [`patient:${p.id}`, p.name] as [string, string]),
    ...contacts.map((c) => [`contact:${c.id}`, c.name] as [string, string]),
  ]);
  return {
    items: refs.items.map((m) => ({ type: m.type, id: m.id, name: names.get(`${m.type}:${m.id}`) ?? null })),
    nextCursor: refs.nextCursor,
  };
}

/** `null` for a value removes the group's own setting of it (its members fall back to the practice). */
export async function setGroupChat(
  deps: ContactDeps,
  caller: Caller,
  groupId: string,
  input: { directMessaging?: boolean | null | undefined; communityChat?: boolean | null | undefined },
): Promise<GroupView> {
  requirePermission(caller, 'manage_contacts');
  const before = await loadGroup(deps, caller, groupId);
  const chat: PartialChatSettings = { ...(before.chat ?? {}) };
  for (const key of ['directMessaging', 'communityChat'] as const) {
    const v = input[key];
    if (v === null) delete chat[key];
    else if (v !== undefined) chat[key] = v;
  }
  const next = Object.keys(chat).length ? chat : null;
  const updated = await deps.contacts.setGroupChat(caller.practiceId, groupId, next, later(before.updatedAt, deps.now()), before.updatedAt);
  if (!updated) throw concurrentUpdate();
  return updated;
}
