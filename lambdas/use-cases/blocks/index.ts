/**
 * Blocked contacts: block an address (from settings, from a patient record, from the inbox),
 * edit, unblock, list, history and stats; and the two readers every other module uses: the
 * block check of the send path and the reminder on a patient record.
 */
export * from './block-address.js';
export * from './block-creation.js';
export * from './block-management.js';
export * from './block-readers.js';
