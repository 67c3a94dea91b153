/** Stream consumer: a broadcast's background steps (prepare the accepted broadcast; fan out each chunk). */
import { decodeBroadcastStep } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';
import { fanOutChunk, prepareBroadcast, type FanOutDeps } from '../../use-cases/broadcasts.js';
import { broadcastDeps } from '../../wiring/broadcasts.js';
import { streamHandler } from './stream-handler.js';

export type { FanOutDeps };

export const broadcastFanOut = (deps: FanOutDeps) =>
  streamHandler(decodeBroadcastStep, async (step) => {
    if (step.kind === 'prepare') {
      const { chunks } = await prepareBroadcast(deps, step.practiceId, step.broadcastId);
      logger.info('broadcast prepared', { broadcastId: step.broadcastId, chunks });
      return;
    }
    const { written, counted } = await fanOutChunk(deps, step.practiceId, step.broadcastId, step.index, step.members);
    logger.info('broadcast chunk fanned out', { broadcastId: step.broadcastId, chunk: step.index, members: step.members.length, written, counted });
  });

export const handler = broadcastFanOut(broadcastDeps);
