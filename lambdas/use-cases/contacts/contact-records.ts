/** Creating, reading, listing and editing contacts (a blocked contact's new addresses are blocked too). */
import { ulid } from 'ulid';
import { requirePermission, type Caller } from '../../domain/caller.js';
import { normalizeSearchQuery } from '../../domain/contact-address.js';
import { concurrentUpdate, conflict, notFound, validationFailed } from '../../domain/errors.js';
import { normalizeAddress, unblock } from '../blocks/index.js';
import type { AddressType } from '../blocks/ports.js';
import { strictlyLater } from '../clock.js';
import type { Page, PageRequest } from '../page.js';
import { activeBlocksOf, blockAll } from './contact-blocking.js';
import { addressesOf, contactView, keyOf, loadContact, personOf, type ContactDeps, type ContactView } from './contact-deps.js';
import type { ContactListFilter, ContactRecord, ContactStatus } from './ports.js';

async function requireGroups(deps: ContactDeps, caller: Caller, ids: readonly string[], path: string): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await deps.groups.getGroups(caller.practiceId, ids)).map((g) => g.id));
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
  // The answer is written with the record (kept for an Idempotency-Key in the same transaction).
  const answer = contactView(contact);
  await deps.contacts.createContact(caller.practiceId, contact, answer);
  return answer;
}

// ------------------------------------------------------------------ read and list

export async function getContact(deps: ContactDeps, caller: Caller, id: string): Promise<ContactView> {
  requirePermission(caller, 'manage_contacts');
  return contactView(await loadContact(deps, caller, id));
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
  const before = await loadContact(deps, caller, id);
  if (input.status !== undefined && before.status === 'blocked') throw contactBlocked();
  const after: ContactRecord = {
    ...before,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(addr.email !== undefined ? { email: addr.email } : {}),
    ...(addr.primaryPhone !== undefined ? { primaryPhone: addr.primaryPhone } : {}),
    ...(addr.secondaryPhone !== undefined ? { secondaryPhone: addr.secondaryPhone } : {}),
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    updatedAt: strictlyLater(before.updatedAt, deps.now()),
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
