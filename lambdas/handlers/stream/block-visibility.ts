/**
 * Stream consumer: applies a block's hideExisting to the existing messages of its address.
 * Records arrive filtered to block records (lib/stream-consumers.ts).
 */
import { decodeBlockChange } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';
import { applyBlockVisibility, type VisibilityDeps } from '../../use-cases/block-visibility.js';
import { visibilityDeps } from '../../wiring/block-visibility.js';
import { streamHandler } from './stream-handler.js';

export const blockVisibility = (deps: VisibilityDeps) =>
  streamHandler(decodeBlockChange, async (change) => {
    const outcome = await applyBlockVisibility(deps, change);
    if (outcome !== 'unchanged') logger.info('block visibility applied', { blockId: change.after.id, outcome });
  });

export const handler = blockVisibility(visibilityDeps);
