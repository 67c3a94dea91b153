/** Unauthenticated routes: liveness and the OpenAPI document. */
import { publicHandler } from '../../http/handler.js';
import { openApiDocument } from '../../http/openapi.js';
import { ok } from '../../http/responses.js';

export const handler = publicHandler({
  'GET /health': async () => ok({ ok: true }),
  'GET /v1/openapi.json': async () => ok(openApiDocument()),
});
