/**
 * Blocked contacts: block an address (from settings, from a patient record, from the inbox),
 * edit, unblock, list, history and stats; and the two readers every other module uses: the
 * block check of the send path and the reminder on a patient record.
 */
import { ulid } from 'ulid';
import { requirePermission, type Caller } from '../domain/caller.js';
import { normalizeEmail, normalizePhone } from '../domain/contact-address.js';
import { concurrentUpdate, conflict, notFound, validationFailed } from '../domain/errors.js';
import type { ConversationRepository } from './conversation-ports.js';
import type { BlockList } from './conversations.js';
import type { BlockReminderReader, BlockedContactView } from './directory.js';
import type { DirectoryRepository, Page, PageRequest, PatientRecord } from './directory-ports.js';
import {
  AlreadyBlocked,
  type AddressType,
  type BlockEvent,
  type BlockListQuery,
  type BlockRecord,
  type BlockRepository,
  type Person,
} from './block-ports.js';

export interface BlockDeps {
  blocks: BlockRepository;
  directory: DirectoryRepository;
  conversations: ConversationRepository;
  now: () => Date;
}

export interface BlockOptions {
  reason?: string | undefined;
  hideExisting?: boolean | undefined;
}

export type BlockView = Omit<BlockRecord, 'contact' | 'status' | 'unblockedAt' | 'unblockedBy'> & {
  patient?: Person;
  contact?: Person;
  status: BlockRecord['status'];
};

export const blockView = (b: BlockRecord): BlockView => {
  const { contact, patient, unblockedAt, unblockedBy, ...rest } = b;
  return {
    ...rest,
    ...(patient ? { patient } : {}),
    ...(contact ? { contact } : {}),
    ...(unblockedAt ? { unblockedAt, unblockedBy } : {}),
  } as BlockView;
};

const by = (caller: Caller): Person => ({ id: caller.id, name: caller.name });

/** Normalises an address as every block and check compares it; a 400 names the field when it is not one. */
export function normalizeAddress(type: AddressType, raw: string, region: string, path = 'value'): string {
  if (type === 'email') {
    const email = normalizeEmail(raw);
    if (!email) throw validationFailed([{ path, message: 'Not a valid email address' }]);
    return email;
  }
  const phone = normalizePhone(raw, region);
  if (!phone.ok) throw validationFailed([{ path, message: phone.message }]);
  return phone.e164;
}

export type BlockOutcome =
  | { status: 'blocked'; block: BlockRecord }
  | { status: 'already_blocked'; type: AddressType; value: string; existingBlockId: string };

/**
 * Blocks one normalised address. The link is the given patient or contact, else the patient
 * (then the contact) that has this address.
 */
export async function blockAddress(
  deps: BlockDeps,
  caller: Caller,
  address: { type: AddressType; value: string },
  options: BlockOptions & { patient?: Person | undefined; contact?: Person | undefined },
): Promise<BlockOutcome> {
  let { patient, contact } = options;
  if (!patient && !contact) {
    const owners = await deps.directory.addressOwners(caller.practiceId, address.type, address.value);
    const p = owners.find((o) => o.ownerType === 'patient');
    const c = owners.find((o) => o.ownerType === 'contact');
    if (p) patient = { id: p.ownerId, name: p.name };
    else if (c) contact = { id: c.ownerId, name: c.name };
  }
  const at = deps.now().toISOString();
  const block: BlockRecord = {
    id: ulid(),
    type: address.type,
    value: address.value,
    reason: options.reason ?? null,
    hideExisting: options.hideExisting ?? false,
    patient: patient ?? null,
    contact: contact ?? null,
    blockedBy: by(caller),
    blockedAt: at,
    updatedAt: at,
    status: 'active',
    unblockedAt: null,
    unblockedBy: null,
  };
  const event: BlockEvent = {
    id: ulid(),
    action: 'blocked',
    by: by(caller),
    at,
    changes: { reason: { from: null, to: block.reason }, hideExisting: { from: null, to: block.hideExisting } },
  };
  try {
    await deps.blocks.create(caller.practiceId, block, event);
    return { status: 'blocked', block };
  } catch (error) {
    if (error instanceof AlreadyBlocked) {
      return { status: 'already_blocked', type: address.type, value: address.value, existingBlockId: error.existingBlockId };
    }
    throw error;
  }
}

// ------------------------------------------------------------------ POST /v1/blocks

export async function createBlock(
  deps: BlockDeps,
  caller: Caller,
  input: BlockOptions & { type: AddressType; value: string; patientId?: string | undefined },
): Promise<BlockView> {
  requirePermission(caller, 'manage_contacts');
  const { defaultRegion } = await deps.directory.getSettings(caller.practiceId);
  const value = normalizeAddress(input.type, input.value, defaultRegion);
  let patient: Person | undefined;
  if (input.patientId) {
    const p = await deps.directory.getPatient(caller.practiceId, input.patientId);
    if (!p) throw notFound('Patient');
    patient = { id: p.id, name: p.name };
  }
  const outcome = await blockAddress(deps, caller, { type: input.type, value }, { ...input, patient });
  if (outcome.status === 'already_blocked') {
    throw conflict('already_blocked', 'This address is already blocked.', { existingBlockId: outcome.existingBlockId });
  }
  return blockView(outcome.block);
}

// ------------------------------------------------------------------ POST /v1/patients/{id}/blocks

export type PatientMethod = 'email' | 'phone' | 'whatsapp';

export async function blockPatientMethods(
  deps: BlockDeps,
  caller: Caller,
  patientId: string,
  input: BlockOptions & { contactMethods: PatientMethod[] },
) {
  requirePermission(caller, 'manage_contacts');
  const p = await deps.directory.getPatient(caller.practiceId, patientId);
  if (!p) throw notFound('Patient');
  const methods = [...new Set(input.contactMethods)];
  const missing = methods.filter((m) => !p[m]);
  if (missing.length > 0) {
    throw validationFailed(
      missing.map((m) => ({ path: `contactMethods.${input.contactMethods.indexOf(m)}`, message: `The patient has no ${m} on file` })),
    );
  }
  const addresses = new Map<string, { type: AddressType; value: string }>();
  for (const m of methods) {
    const type: AddressType = m === 'email' ? 'email' : 'phone';
    addresses.set(`${type}:${p[m]}`, { type, value: p[m] as string });
  }
  const outcomes: BlockOutcome[] = [];
  for (const a of addresses.values()) {
    outcomes.push(await blockAddress(deps, caller, a, { ...input, patient: { id: p.id, name: p.name } }));
  }
  return outcomesView(outcomes);
}

const outcomesView = (outcomes: BlockOutcome[]) => ({
  blocks: outcomes.filter((o) => o.status === 'blocked').map((o) => blockView((o as { block: BlockRecord }).block)),
  alreadyBlocked: outcomes
    .filter((o): o is Extract<BlockOutcome, { status: 'already_blocked' }> => o.status === 'already_blocked')
    .map(({ type, value, existingBlockId }) => ({ type, value, existingBlockId })),
});

// ------------------------------------------------------------------ POST /v1/blocks/from-conversations

/** The addresses a conversation's external senders use on its channel (portal: what is on file). */
function senderAddresses(channel: string, p: PatientRecord): { type: AddressType; value: string }[] {
  const out: { type: AddressType; value: string }[] = [];
  const add = (type: AddressType, value: string | null) => {
    if (value && !out.some((a) => a.type === type && a.value === value)) out.push({ type, value });
  };
  if (channel === 'email') add('email', p.email);
  else if (channel === 'sms') add('phone', p.phone);
  else if (channel === 'whatsapp') add('phone', p.whatsapp ?? p.phone);
  else if (channel === 'portal' || channel === 'call') {
    add('email', p.email);
    add('phone', p.phone);
    add('phone', p.whatsapp);
  }
  return out;
}

export async function blockFromConversations(
  deps: BlockDeps,
  caller: Caller,
  input: BlockOptions & { conversationIds: string[]; dryRun?: boolean | undefined },
) {
  requirePermission(caller, 'manage_contacts');
  const found: { conversationId: string; type: AddressType; value: string; patient: Person }[] = [];
  for (const conversationId of [...new Set(input.conversationIds)]) {
    const c = await deps.conversations.get(caller.practiceId, conversationId);
    if (!c) throw notFound(`Conversation ${conversationId}`);
    const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
    for (const p of await deps.directory.getPatients(caller.practiceId, patientIds)) {
      for (const a of senderAddresses(c.channel, p)) {
        if (!found.some((f) => f.type === a.type && f.value === a.value)) {
          found.push({ conversationId, ...a, patient: { id: p.id, name: p.name } });
        }
      }
    }
  }
  const active = await deps.blocks.activeAmong(caller.practiceId, found);
  const activeBy = new Map(active.map((a) => [`${a.type}:${a.value}`, a.blockId]));
  const items = [];
  for (const f of found) {
    const existing = activeBy.get(`${f.type}:${f.value}`);
    if (existing) {
      items.push({ ...f, status: 'already_blocked' as const, blockId: existing });
    } else if (input.dryRun) {
      items.push({ ...f, status: 'would_block' as const, blockId: null });
    } else {
      const outcome = await blockAddress(deps, caller, f, { ...input, patient: f.patient });
      items.push(
        outcome.status === 'blocked'
          ? { ...f, status: 'blocked' as const, blockId: outcome.block.id }
          : { ...f, status: 'already_blocked' as const, blockId: outcome.existingBlockId },
      );
    }
  }
  return { dryRun: input.dryRun ?? false, items };
}

// ------------------------------------------------------------------ read, edit, unblock

async function load(deps: BlockDeps, caller: Caller, id: string): Promise<BlockRecord> {
  const b = await deps.blocks.get(caller.practiceId, id);
  if (!b) throw notFound('Block');
  return b;
}

export async function getBlock(deps: BlockDeps, caller: Caller, id: string): Promise<BlockView> {
  requirePermission(caller, 'manage_contacts');
  return blockView(await load(deps, caller, id));
}

const notActive = () =>
  conflict('block_not_active', 'This block has been lifted; block the address again instead.');
const concurrent = () =>
  concurrentUpdate('The block changed while it was being updated; read it again and retry.');

export async function updateBlock(deps: BlockDeps, caller: Caller, id: string, input: BlockOptions): Promise<BlockView> {
  requirePermission(caller, 'manage_contacts');
  const before = await load(deps, caller, id);
  if (before.status !== 'active') throw notActive();
  const after: BlockRecord = {
    ...before,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.hideExisting !== undefined ? { hideExisting: input.hideExisting } : {}),
    updatedAt: later(before.updatedAt, deps.now()),
  };
  const changes: BlockEvent['changes'] = {};
  if (after.reason !== before.reason) changes['reason'] = { from: before.reason, to: after.reason };
  if (after.hideExisting !== before.hideExisting) changes['hideExisting'] = { from: before.hideExisting, to: after.hideExisting };
  if (Object.keys(changes).length === 0) return blockView(before);
  const event: BlockEvent = { id: ulid(), action: 'updated', by: by(caller), at: after.updatedAt, changes };
  if (!(await deps.blocks.update(caller.practiceId, before, after, event))) throw concurrent();
  return blockView(after);
}

/** Lifts a block: the address can be messaged again at once. The record and its history stay. */
export async function unblock(deps: BlockDeps, caller: Caller, id: string): Promise<BlockRecord> {
  requirePermission(caller, 'manage_contacts');
  const before = await load(deps, caller, id);
  if (before.status !== 'active') return before;
  const at = later(before.updatedAt, deps.now());
  const after: BlockRecord = { ...before, status: 'unblocked', unblockedAt: at, unblockedBy: by(caller), updatedAt: at };
  const event: BlockEvent = { id: ulid(), action: 'unblocked', by: by(caller), at, changes: { status: { from: 'active', to: 'unblocked' } } };
  if (!(await deps.blocks.unblock(caller.practiceId, before, after, event))) throw concurrent();
  return after;
}

/**
 * A bound of a blocking-date range, as the UTC instant blocks are stored with. A date alone
 * means the start of that day for `from` and its end for `to`; a time may carry any offset.
 */
export function rangeBound(raw: string | undefined, edge: 'from' | 'to', path: string): string | undefined {
  if (raw === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  const instant = Date.parse(dateOnly ? `${raw}T00:00:00.000Z` : raw);
  // Date.parse rolls 2026-02-30 over to March: a real date reads back as itself.
  const real = !Number.isNaN(instant) && (!dateOnly || new Date(instant).toISOString().slice(0, 10) === raw);
  if (!(dateOnly || dateTime) || !real) {
    throw validationFailed([{ path, message: 'An ISO 8601 date (2026-11-22) or date-time with offset' }]);
  }
  return new Date(dateOnly && edge === 'to' ? instant + 86_400_000 - 1 : instant).toISOString();
}

export async function listBlocks(deps: BlockDeps, caller: Caller, query: BlockListQuery): Promise<Page<BlockView>> {
  requirePermission(caller, 'manage_contacts');
  const q = query.q?.trim().toLowerCase();
  const blockedFrom = rangeBound(query.blockedFrom, 'from', 'blockedFrom');
  const blockedTo = rangeBound(query.blockedTo, 'to', 'blockedTo');
  if (blockedFrom && blockedTo && blockedFrom > blockedTo) {
    throw validationFailed([{ path: 'blockedFrom', message: 'blockedFrom must not be after blockedTo' }]);
  }
  const page = await deps.blocks.list(caller.practiceId, {
    ...query,
    blockedFrom,
    blockedTo,
    q: q ? q.replace(/^\+/, '') : undefined,
  });
  return { items: page.items.map(blockView), nextCursor: page.nextCursor };
}

export async function blockHistory(deps: BlockDeps, caller: Caller, id: string, page: PageRequest): Promise<Page<BlockEvent>> {
  requirePermission(caller, 'manage_contacts');
  await load(deps, caller, id);
  return deps.blocks.history(caller.practiceId, id, page);
}

export async function blockStats(deps: BlockDeps, caller: Caller, input: { from?: string | undefined; to?: string | undefined }) {
  requirePermission(caller, 'manage_contacts');
  const today = deps.now().toISOString().slice(0, 10);
  const to = input.to ?? today;
  const from = input.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  if (from > to) throw validationFailed([{ path: 'from', message: 'from must not be after to' }]);
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw validationFailed([{ path: 'from', message: 'The range is at most 366 days' }]);
  const days = await deps.blocks.dailyCounts(caller.practiceId, from, to);
  const blocked = days.reduce((n, d) => n + d.blocked, 0);
  const unblocked = days.reduce((n, d) => n + d.unblocked, 0);
  return {
    from,
    to,
    blocked: days.filter((d) => d.blocked > 0).map((d) => ({ date: d.date, count: d.blocked })),
    totalBlocked: blocked,
    unblocked,
    unblockRate: blocked === 0 ? 0 : Math.round((unblocked / blocked) * 10_000) / 10_000,
    quarantined: days.reduce((n, d) => n + d.quarantined, 0),
  };
}

function later(previous: string, now: Date): string {
  return new Date(Math.max(now.getTime(), Date.parse(previous) + 1)).toISOString();
}

// ------------------------------------------------------------------ readers for other modules

const addressesOf = (p: PatientRecord): { type: AddressType; value: string }[] => [
  ...(p.email ? [{ type: 'email' as const, value: p.email }] : []),
  ...(p.phone ? [{ type: 'phone' as const, value: p.phone }] : []),
  ...(p.whatsapp ? [{ type: 'phone' as const, value: p.whatsapp }] : []),
];

export const blockReminders = (blocks: BlockRepository): BlockReminderReader => ({
  async blockedContactsOf(practiceId, patient): Promise<BlockedContactView[]> {
    const addresses = addressesOf(patient);
    if (addresses.length === 0) return [];
    const active = await blocks.activeAmong(practiceId, addresses);
    return active.map((a) => ({ blockId: a.blockId, type: a.type, value: a.value }));
  },
});

export const blockList = (blocks: BlockRepository): BlockList => ({
  async blockedAmong(practiceId, addresses) {
    const active = await blocks.activeAmong(practiceId, addresses);
    return new Set(active.map((a) => `${a.type}:${a.value}`));
  },
});
