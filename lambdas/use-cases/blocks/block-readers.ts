/** What other modules read from the blocks module: the send path's block check and the reminder on a patient record. */
import type { BlockList } from '../conversations/ports.js';
import type { BlockReminderReader, BlockedContactView } from '../directory.js';
import type { PatientRecord } from '../directory-ports.js';
import { ownedAddresses } from './block-address.js';
import type { BlockRepository } from './ports.js';

const addressesOf = (p: PatientRecord) => ownedAddresses({ email: p.email, phones: [p.phone, p.whatsapp] });

/** `blocks`: the block check alone is enough (adapters/dynamo/active-blocks.ts). */
export const blockReminders = (blocks: Pick<BlockRepository, 'activeAmong'>): BlockReminderReader => ({
  async blockedContactsOf(practiceId, patient): Promise<BlockedContactView[]> {
    const addresses = addressesOf(patient);
    if (addresses.length === 0) return [];
    const active = await blocks.activeAmong(practiceId, addresses);
    return active.map((a) => ({ blockId: a.blockId, type: a.type, value: a.value }));
  },
});

export const blockList = (blocks: Pick<BlockRepository, 'activeAmong'>): BlockList => ({
  async blockedAmong(practiceId, addresses) {
    const active = await blocks.activeAmong(practiceId, addresses);
    return new Set(active.map((a) => `${a.type}:${a.value}`));
  },
});
