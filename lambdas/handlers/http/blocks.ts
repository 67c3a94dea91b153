/** Blocked contacts: call the use case. */
import * as uc from '../../use-cases/blocks/index.js';
import { httpFunction } from '../../http/http-function.js';
import { blockRoutes } from '../../http/routes/blocks.js';
import { blockDeps as deps } from '../../wiring/blocks.js';
import { httpOptions } from '../../wiring/http.js';

export const handler = httpFunction(
  blockRoutes,
  {
    createBlock: ({ caller, body }) => uc.createBlock(deps, caller, body),
    listBlocks: ({ caller, query }) => uc.listBlocks(deps, caller, query),
    getBlockStats: ({ caller, query }) => uc.blockStats(deps, caller, query),
    blockFromConversations: ({ caller, body }) => uc.blockFromConversations(deps, caller, body),
    getBlock: ({ caller, params }) => uc.getBlock(deps, caller, params.id),
    updateBlock: ({ caller, params, body }) => uc.updateBlock(deps, caller, params.id, body),
    unblock: ({ caller, params }) => uc.liftBlock(deps, caller, params.id),
    getBlockHistory: ({ caller, params, query }) => uc.blockHistory(deps, caller, params.id, query),
    blockPatientMethods: ({ caller, params, body }) => uc.blockPatientMethods(deps, caller, params.id, body),
  },
  httpOptions,
);
