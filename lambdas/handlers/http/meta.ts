/**
 * Unauthenticated routes: liveness and the OpenAPI document.
 *
 * A Lambda bundle (built with `__LAMBDA_BUNDLE__` defined, lib/constructs/handler-function.ts)
 * serves the document generated at build time, docs/openapi.json (`npm run openapi`; a unit
 * test fails while it differs from the code), so neither the document's generator nor the other
 * route records ship in this function. Run from source (local runtime, tests) it generates the
 * document from the route records, so it always matches the code being run.
 */
import { httpFunction } from '../../http/http-function.js';
import { metaRoutes } from '../../http/routes/meta.js';

declare const __LAMBDA_BUNDLE__: boolean | undefined;

type OpenApiDocument = { openapi: string } & Record<string, unknown>;

const openApiDocument = async (): Promise<OpenApiDocument> =>
  typeof __LAMBDA_BUNDLE__ !== 'undefined' && __LAMBDA_BUNDLE__
    ? ((await import('../../../docs/openapi.json', { with: { type: 'json' } })).default as OpenApiDocument)
    : (await import('../../http/openapi.js')).openApiDocument();

export const handler = httpFunction(metaRoutes, {
  getHealth: async () => ({ ok: true as const }),
  getOpenApiDocument: () => openApiDocument(),
});
