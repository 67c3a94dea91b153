/** The participant fan-out consumer's composition (the delivery pipeline is lambdas/delivery-wiring.ts). */
import { DynamoParticipantFanOutStore } from '../adapters/dynamo/participant-fanout-store.js';
import type { FanOutDeps } from '../use-cases/conversations/participants-fanout.js';

/** A large conversation's participant chunks off the stream (states, deliveries, pointers beyond one transaction). */
export const participantFanOutDeps: FanOutDeps = { fanOut: new DynamoParticipantFanOutStore() };
