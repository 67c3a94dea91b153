/** Draft use cases: save, list, read, change, delete and send a draft of the caller's own. */
export { createDraft, deleteDraft, draftView, getDraft, listDrafts, updateDraft, type DraftView } from './drafts.js';
export { sendDraft } from './send.js';
export type { DraftDeps, DraftFields, DraftPatch, DraftRecord, DraftRepository } from './ports.js';
