/** Blocked contacts: parse, call the use case, answer. */
import * as uc from '../../use-cases/blocks.js';
import { bodyOf, httpHandler, paramOf, queryOf } from '../../http/handler.js';
import { idempotent } from '../../http/idempotency.js';
import { created, noContent, ok } from '../../http/responses.js';
import * as s from '../../http/schemas/blocks.js';
import { PageOnlyQuery } from '../../http/schemas/conversations.js';
import { blockDeps as deps, callerDirectory } from '../../wiring.js';

export const handler = httpHandler(
  {
    'POST /v1/blocks': (req) => idempotent(req, async () => created(await uc.createBlock(deps, req.caller, bodyOf(req, s.CreateBlock)))),
    'GET /v1/blocks': async (req) => ok(await uc.listBlocks(deps, req.caller, queryOf(req, s.ListBlocksQuery))),
    'GET /v1/blocks/stats': async (req) => ok(await uc.blockStats(deps, req.caller, queryOf(req, s.StatsQuery))),
    'POST /v1/blocks/from-conversations': async (req) =>
      ok(await uc.blockFromConversations(deps, req.caller, bodyOf(req, s.BlockFromConversations))),
    'GET /v1/blocks/{id}': async (req) => ok(await uc.getBlock(deps, req.caller, paramOf(req, 'id'))),
    'PATCH /v1/blocks/{id}': async (req) => ok(await uc.updateBlock(deps, req.caller, paramOf(req, 'id'), bodyOf(req, s.UpdateBlock))),
    'DELETE /v1/blocks/{id}': async (req) => {
      await uc.unblock(deps, req.caller, paramOf(req, 'id'));
      return noContent();
    },
    'GET /v1/blocks/{id}/history': async (req) =>
      ok(await uc.blockHistory(deps, req.caller, paramOf(req, 'id'), queryOf(req, PageOnlyQuery))),
    'POST /v1/patients/{id}/blocks': (req) =>
      idempotent(req, async () =>
        created(await uc.blockPatientMethods(deps, req.caller, paramOf(req, 'id'), bodyOf(req, s.BlockPatientMethods))),
      ),
  },
  callerDirectory,
);
