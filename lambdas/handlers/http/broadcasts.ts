/** Broadcasts: parse, call the use case, answer. */
import * as uc from '../../use-cases/broadcasts.js';
import { bodyOf, httpHandler, paramOf } from '../../http/handler.js';
import { idempotent } from '../../http/idempotency.js';
import { accepted, ok } from '../../http/responses.js';
import * as s from '../../http/schemas/broadcasts.js';
import { broadcastDeps as deps, callerDirectory } from '../../wiring.js';

export const handler = httpHandler(
  {
    'POST /v1/broadcasts': (req) => idempotent(req, async () => accepted(await uc.createBroadcast(deps, req.caller, bodyOf(req, s.CreateBroadcast)))),
    'GET /v1/broadcasts/{id}': async (req) => ok(await uc.getBroadcast(deps, req.caller, paramOf(req, 'id'))),
  },
  callerDirectory,
);
