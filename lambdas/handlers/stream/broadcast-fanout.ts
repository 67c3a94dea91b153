/** Stream consumer: fans one broadcast chunk out into per-recipient conversations and deliveries. */
import { decodeBroadcastChunk } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';
import { fanOutChunk } from '../../use-cases/broadcasts.js';
import { broadcastDeps } from '../../wiring.js';
import { streamHandler } from './stream-handler.js';

export type FanOutDeps = Parameters<typeof fanOutChunk>[0];

export const broadcastFanOut = (deps: FanOutDeps) =>
  streamHandler(decodeBroadcastChunk, async ({ practiceId, broadcast, index, recipients }) => {
    await fanOutChunk(deps, practiceId, broadcast, index, recipients);
    logger.info('broadcast chunk fanned out', { broadcastId: broadcast.id, chunk: index, recipients: recipients.length });
  });

export const handler = broadcastFanOut(broadcastDeps);
