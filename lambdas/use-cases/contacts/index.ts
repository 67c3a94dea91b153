/** Contacts (non-patient people: leads, inbound senders, others) and groups. */
export * from './contact-deps.js';
export * from './contact-records.js';
export * from './contact-blocking.js';
export * from './contact-history.js';
export * from './groups.js';
