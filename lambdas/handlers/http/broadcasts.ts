/** Broadcasts: call the use case. */
import * as uc from '../../use-cases/broadcasts.js';
import { httpFunction } from '../../http/http-function.js';
import { broadcastRoutes } from '../../http/routes/broadcasts.js';
import { broadcastDeps as deps } from '../../wiring/broadcasts.js';
import { unpagedHttpOptions as httpOptions } from '../../wiring/caller.js';

export const handler = httpFunction(
  broadcastRoutes,
  {
    previewBroadcast: ({ caller, body }) => uc.previewBroadcast(deps, caller, body),
    createBroadcast: ({ caller, body }) => uc.createBroadcast(deps, caller, body),
    getBroadcast: ({ caller, params }) => uc.getBroadcast(deps, caller, params.id),
  },
  httpOptions,
);
