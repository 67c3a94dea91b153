/** The broadcasts function's and the broadcast fan-out consumer's composition. */
import { DynamoAudienceDirectory } from '../adapters/dynamo/audience-directory.js';
import { DynamoBroadcastRepository } from '../adapters/dynamo/broadcast-repository.js';
import { DynamoDirectoryReader } from '../adapters/dynamo/directory-reader.js';
import { requestCachedDirectory } from '../adapters/dynamo/request-cached-directory.js';
import type { BroadcastDeps } from '../use-cases/broadcasts.js';
import { systemClock } from '../use-cases/clock.js';

export const broadcastDeps: BroadcastDeps = {
  broadcasts: new DynamoBroadcastRepository(),
  audienceDirectory: new DynamoAudienceDirectory(requestCachedDirectory(new DynamoDirectoryReader())),
  now: systemClock,
};
