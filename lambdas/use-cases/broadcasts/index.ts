/** Broadcasts (message blasts): accepted at once, resolved and fanned out in the background. */
export { createBroadcast, getBroadcast, previewBroadcast, UNAVAILABLE_SHOWN, type BroadcastInput } from './create.js';
export { fanOutChunk, prepareBroadcast, type FanOutDeps } from './fan-out.js';
export { resolveMembers, newCache } from './resolve.js';
export { conversationIdOf } from './recipient-ids.js';
export * from './ports.js';
