/**
 * Blocking a contact blocks each of its addresses through the blocks module (the same block
 * records, linked to the contact), so every send and inbound path honours it without knowing
 * about contacts.
 */
import { requirePermission, type Caller } from '../../domain/caller.js';
import { blockAddress, unblock } from '../blocks/index.js';
import type { Person } from '../blocks/ports.js';
import { strictlyLater } from '../clock.js';
import { everyPage } from '../every-page.js';
import { LOST_RACE, retryOnConflict } from '../optimistic.js';
import { addressesOf, contactView, loadContact, personOf, type Address, type ContactDeps, type ContactView } from './contact-deps.js';
import type { ContactRecord } from './ports.js';

/** Blocks each address for the contact; an address already blocked keeps its existing block. */
export async function blockAll(deps: ContactDeps, caller: Caller, contact: Person, addresses: readonly Address[], reason: string | null) {
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
export function activeBlocksOf(deps: ContactDeps, caller: Caller, contactId: string) {
  return everyPage((cursor) => deps.blocking.blocks.list(caller.practiceId, { contactId, limit: 100, cursor }));
}

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

function blockOne(deps: ContactDeps, caller: Caller, contactId: string, reason: string | null): Promise<BulkBlockItem> {
  return retryOnConflict(async () => {
    const before = await deps.contacts.getContact(caller.practiceId, contactId);
    if (!before) return { contactId, status: 'not_found', blockIds: [] };
    if (before.status === 'blocked') return { contactId, status: 'already_blocked', blockIds: before.blockIds };
    const { blockIds, created } = await blockAll(deps, caller, personOf(before), addressesOf(before), reason);
    const at = strictlyLater(before.updatedAt, deps.now());
    const after: ContactRecord = { ...before, status: 'blocked', blockReason: reason, blockedAt: at, blockIds, updatedAt: at };
    const written = await deps.contacts.updateContact(caller.practiceId, before, after, created);
    return written ? { contactId, status: 'blocked', blockIds } : LOST_RACE;
  });
}

/**
 * Lifts every active block linked to the contact and sets a blocked contact back to `active`.
 * Group memberships are kept. Blocks of its addresses made independently of the contact (for a
 * patient with the same address, say) are someone else's decision and stay.
 */
export async function unblockContact(deps: ContactDeps, caller: Caller, id: string): Promise<ContactView> {
  requirePermission(caller, 'manage_contacts');
  return retryOnConflict(async () => {
    const before = await loadContact(deps, caller, id);
    for (const b of await activeBlocksOf(deps, caller, id)) await unblock(deps.blocking, caller, b.id);
    const after: ContactRecord = {
      ...before,
      status: before.status === 'blocked' ? 'active' : before.status,
      blockReason: null,
      blockedAt: null,
      blockIds: [],
      updatedAt: strictlyLater(before.updatedAt, deps.now()),
    };
    return (await deps.contacts.updateContact(caller.practiceId, before, after, [])) ? contactView(after) : LOST_RACE;
  });
}
