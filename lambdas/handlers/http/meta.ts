/** Unauthenticated routes: liveness and the OpenAPI document. */
import { httpFunction } from '../../http/http-function.js';
import { openApiDocument } from '../../http/openapi.js';
import { metaRoutes } from '../../http/routes/meta.js';

export const handler = httpFunction(metaRoutes, {
  getHealth: async () => ({ ok: true as const }),
  getOpenApiDocument: async () => openApiDocument(),
});
