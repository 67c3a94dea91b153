/**
 * Blocked contacts: block an address (from settings, from a patient record, from the inbox),
 * edit, unblock, list, history and stats; and the two readers every other module uses: the
 * block check of the send path and the reminder on a patient record.
 */
export {
  blockAddress,
  blockView,
  normalizeAddress,
  ownedAddresses,
  type BlockDeps,
  type BlockOptions,
  type BlockOutcome,
  type BlockView,
} from './block-address.js';
export { blockFromConversations, blockPatientMethods, createBlock, type PatientMethod } from './block-creation.js';
export { blockHistory, getBlock, liftBlock, listBlocks, rangeBound, unblock, updateBlock } from './block-management.js';
export { blockStats } from './block-stats.js';
export { blockList, blockReminders } from './block-readers.js';
