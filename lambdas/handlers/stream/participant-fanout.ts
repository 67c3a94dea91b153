/** Stream consumer: writes one participant chunk of a send into a large conversation (states, deliveries, pointers). */
import { decodeParticipantChunk } from '../../adapters/dynamo/stream-items.js';
import { logger } from '../../logger.js';
import { fanOutParticipants, type FanOutDeps } from '../../use-cases/conversations/participants-fanout.js';
import { participantFanOutDeps } from '../../wiring/participant-fanout.js';
import { streamHandler } from './stream-handler.js';

export const participantFanOut = (deps: FanOutDeps) =>
  streamHandler(decodeParticipantChunk, async (chunk) => {
    const outcome = await fanOutParticipants(deps, chunk);
    logger.info('participant chunk fanned out', { conversationId: chunk.conversationId, messageId: chunk.messageId, chunk: chunk.index, parties: chunk.parties.length, outcome });
  });

export const handler = participantFanOut(participantFanOutDeps);
