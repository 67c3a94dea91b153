/**
 * A contact's status follows its blocks, whichever route they come through: when a block route
 * blocks an address a contact owns, an active contact becomes `blocked`; when the last active
 * block of its addresses is lifted, a blocked contact becomes `active`. `blockIds` are then the
 * active blocks of its addresses, and each joins its history. An archived contact stays archived
 * (its `blockIds` still follow).
 */
import type { Caller } from '../../domain/caller.js';
import type { AddressType, BlockFollower } from '../blocks/ports.js';
import { strictlyLater } from '../clock.js';
import { LOST_RACE, retryOnConflict } from '../optimistic.js';
import { addressesOf, type ContactDeps } from './contact-deps.js';
import type { ContactRecord } from './ports.js';

/** Brings one contact's status and block links in line with the active blocks of its addresses. */
export function followContactBlocks(deps: ContactDeps, caller: Caller, contactId: string): Promise<void> {
  const practiceId = caller.practiceId;
  return retryOnConflict(async () => {
    const before = await deps.contacts.getContact(practiceId, contactId);
    if (!before) return undefined;
    const active = await deps.blocking.blocks.activeAmong(practiceId, addressesOf(before));
    const blockIds = active.map((b) => b.blockId).sort();
    const status = before.status === 'archived' ? 'archived' : blockIds.length > 0 ? 'blocked' : 'active';
    const sameIds = blockIds.length === before.blockIds.length && [...before.blockIds].sort().every((id, i) => id === blockIds[i]);
    if (status === before.status && sameIds) return undefined;
    const at = strictlyLater(before.updatedAt, deps.now());
    const newlyBlocked = status === 'blocked' && before.status !== 'blocked';
    const first = newlyBlocked ? await deps.blocking.blocks.get(practiceId, blockIds[0] as string) : null;
    const after: ContactRecord = {
      ...before,
      status,
      blockIds,
      ...(newlyBlocked ? { blockReason: first?.reason ?? null, blockedAt: at } : {}),
      ...(status === 'active' ? { blockReason: null, blockedAt: null } : {}),
      updatedAt: at,
    };
    const added = blockIds.filter((id) => !before.blockHistoryIds.includes(id));
    return (await deps.contacts.updateContact(practiceId, before, after, added)) ? undefined : LOST_RACE;
  });
}

/** The blocks module's follower: every contact owning a changed address follows its blocks. */
export const contactStatusFollower = (deps: ContactDeps): BlockFollower => ({
  async followBlocks(caller: Caller, addresses: readonly { type: AddressType; value: string }[]) {
    const contactIds = new Set<string>();
    for (const a of addresses) {
      for (const o of await deps.directory.addressOwners(caller.practiceId, a.type, a.value)) {
        if (o.ownerType === 'contact') contactIds.add(o.ownerId);
      }
    }
    for (const id of contactIds) await followContactBlocks(deps, caller, id);
  },
});
