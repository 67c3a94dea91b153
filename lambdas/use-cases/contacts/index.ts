/** Contacts (non-patient people: leads, inbound senders, others) and groups. */
export { addressesOf, contactView, type ContactDeps, type ContactView } from './contact-deps.js';
export { createContact, getContact, listContacts, updateContact, type ContactInput } from './contact-records.js';
export { blockContacts, unblockContact, type BulkBlockItem } from './contact-blocking.js';
export { contactHistory, type ContactHistoryItem } from './contact-history.js';
export { contactStatusFollower, followContactBlocks } from './contact-status.js';
export { addMembers, createGroup, getGroup, listGroups, listMembers, setGroupChat, type GroupView } from './groups.js';
