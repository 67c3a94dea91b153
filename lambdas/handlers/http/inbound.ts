/** Quarantine and suppressions: call the use case. */
import * as uc from '../../use-cases/inbound/index.js';
import { httpFunction } from '../../http/http-function.js';
import { inboundRoutes } from '../../http/routes/inbound.js';
import { inboundRouteDeps as deps } from '../../wiring/inbound-routes.js';
import { httpOptions } from '../../wiring/http.js';

export const handler = httpFunction(
  inboundRoutes,
  {
    listQuarantine: ({ caller, query }) => uc.listQuarantine(deps, caller, query),
    listSuppressions: ({ caller, query }) => uc.listSuppressions(deps, caller, query),
    liftSuppression: ({ caller, params }) => uc.liftSuppression(deps, caller, params.id),
  },
  httpOptions,
);
