/**
 * Composition roots, one per function (lambdas/wiring/<area>.ts): each handler imports only the
 * module of the adapters its routes call, so a bundle carries no repository it never uses
 * (esbuild keeps every module-level `new X()` of a module it includes). This module re-exports
 * them all under their names for scripts and tests; no handler imports it.
 * The delivery pipeline is lambdas/delivery-wiring.ts; the webhook edge, inbound and attachments
 * are webhook-wiring.ts, inbound-wiring.ts and attachment-wiring.ts.
 */
export { callerDirectory, directory, httpOptions } from './wiring/http.js';
export { chatSettingsDeps, directoryDeps } from './wiring/directory.js';
export { blockDeps, contactDeps } from './wiring/blocks.js';
export { bulkDeps, conversationDeps, draftDeps } from './wiring/conversations.js';
export { broadcastDeps } from './wiring/broadcasts.js';
export { participantFanOutDeps } from './wiring/participant-fanout.js';
export { visibilityDeps } from './wiring/block-visibility.js';
