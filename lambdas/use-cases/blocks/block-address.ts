/**
 * The heart of the blocks module: what a block looks like to callers and blocking one
 * normalised address (every way of blocking, contacts included, comes through here).
 */
import { ulid } from 'ulid';
import type { Caller } from '../../domain/caller.js';
import { normalizeEmail, normalizePhone } from '../../domain/contact-address.js';
import { validationFailed } from '../../domain/errors.js';
import type { Clock } from '../clock.js';
import type { ConversationRepository } from '../conversations/ports.js';
import type { DirectoryReader } from '../directory-ports.js';
import { AlreadyBlocked, type AddressType, type BlockEvent, type BlockFollower, type BlockRecord, type BlockRepository, type Person } from './ports.js';

export interface BlockDeps {
  blocks: BlockRepository;
  directory: DirectoryReader;
  conversations: ConversationRepository;
  now: Clock;
  /** Told what the block routes blocked and unblocked (contacts follow); without it, nobody is. */
  follower?: BlockFollower;
}

/** Tells the follower which addresses a block route changed. */
export async function followBlocks(deps: BlockDeps, caller: Caller, addresses: readonly { type: AddressType; value: string }[]): Promise<void> {
  if (deps.follower && addresses.length > 0) await deps.follower.followBlocks(caller, addresses);
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

/** The addresses a person (patient or contact) owns, each once: two phones may be one number. */
export function ownedAddresses(p: { email: string | null; phones: readonly (string | null)[] }): { type: AddressType; value: string }[] {
  const out = new Map<string, { type: AddressType; value: string }>();
  if (p.email) out.set(`email:${p.email}`, { type: 'email', value: p.email });
  for (const phone of p.phones) if (phone) out.set(`phone:${phone}`, { type: 'phone', value: phone });
  return [...out.values()];
}

export const by = (caller: Caller): Person => ({ id: caller.id, name: caller.name });

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
