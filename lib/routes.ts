/**
 * The route records as the CDK stack and the local runtime read them. The records themselves
 * (method, path, auth, schemas, success, errors, idempotency, function) are written once, in
 * lambdas/http/routes/; this module only re-exports them for lib/.
 */
export { functionEntries, routes, type FunctionName, type Route } from '../lambdas/http/routes/index.js';
export { routeKey, type RouteAuth } from '../lambdas/http/route-record.js';
