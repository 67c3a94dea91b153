/** Public routes: liveness and the OpenAPI document. */
import { route } from '../route-record.js';
import * as z from '../schemas/zod.js';

const Health = z.doc(z.object({ ok: z.literal(true) }), { id: 'Health' });
const OpenApiDocument = z.doc(z.catchall(z.object({ openapi: z.string() }), z.unknown()), { id: 'OpenApiDocument' });

export const metaRoutes = {
  getHealth: route({
    method: 'GET',
    path: '/health',
    auth: 'none',
    summary: 'Liveness check',
    tag: 'meta',
    success: { status: 200, schema: Health },
  }),
  getOpenApiDocument: route({
    method: 'GET',
    path: '/v1/openapi.json',
    auth: 'none',
    summary: 'This OpenAPI 3.1 document',
    tag: 'meta',
    success: { status: 200, schema: OpenApiDocument },
  }),
};
