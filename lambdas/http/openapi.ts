/**
 * The OpenAPI 3.1 document, generated from the route records (lambdas/http/routes/) and the
 * error catalogue (problem.ts): the schemas are the objects requests are validated with, the
 * statuses those the errors are answered with, so the document cannot drift from the code.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ErrorKind } from '../domain/errors.js';
import { problemCatalogue, publicCode } from './problem.js';
import { apiTags, pathParamNames, type RouteAuth } from './route-record.js';
import { routes, type Route } from './routes/index.js';
import { Problem } from './schemas/common.js';
import * as z from './schemas/zod.js';

/** What every route of an auth kind may answer, beside its own errors. */
const commonErrors: Record<RouteAuth, readonly ErrorKind[]> = {
  jwt: ['validation_failed', 'unauthorized', 'unknown_caller', 'forbidden', 'not_found'],
  webhook: ['unauthorized'],
  none: [],
};

function errorKinds(route: Route): ErrorKind[] {
  const kinds: ErrorKind[] = [...commonErrors[route.auth], ...(route.errors ?? [])];
  if (route.body || route.query) kinds.push('validation_failed');
  // Every JSON body may be sent with another content type; every paged list takes a cursor.
  if (route.body && route.auth !== 'webhook') kinds.push('unsupported_media_type');
  if (route.query instanceof z.ZodObject && 'cursor' in route.query.shape) kinds.push('invalid_cursor');
  if (route.idempotent) kinds.push('validation_failed', 'idempotency_key_reused', 'idempotency_in_progress');
  return kinds;
}

/** Problem responses by status, each listing the public codes it can carry. */
function problemResponses(route: Route): Record<string, unknown> {
  const codes = new Map<number, Set<string>>();
  for (const kind of errorKinds(route)) {
    const { status } = problemCatalogue[kind];
    codes.set(status, (codes.get(status) ?? new Set()).add(publicCode(kind)));
  }
  const responses: Record<string, unknown> = {};
  for (const [status, set] of [...codes].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: `Problem; code one of: ${[...set].join(', ')}`,
      content: { 'application/problem+json': { schema: Problem } },
    };
  }
  // A route's own 429 (with Retry-After) shares the status with API Gateway's throttling answer.
  if (responses[429]) {
    responses[429] = {
      description: `${throttled.description}, or a problem; code one of: ${[...(codes.get(429) ?? [])].join(', ')}`,
      headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
      content: { ...(responses[429] as { content: object }).content, ...throttled.content },
    };
  }
  return responses;
}

/** API Gateway's own answer when a stage's throttling limit is reached, before any function runs. */
const throttled = {
  description: 'Too many requests (API Gateway throttling)',
  content: { 'application/json': { schema: z.object({ message: z.string() }).openapi('GatewayMessage') } },
};

let cached: Record<string, unknown> | undefined;

export function openApiDocument(): { openapi: string } & Record<string, unknown> {
  if (cached) return cached as { openapi: string } & Record<string, unknown>;
  const registry = new OpenAPIRegistry();
  registry.register('Problem', Problem);
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito access token carrying practice_id and role claims',
  });

  for (const route of routes) {
    const params = pathParamNames(route.path);
    const success = route.success.schema
      ? { description: route.success.description ?? 'Success', content: { [route.success.contentType ?? 'application/json']: { schema: route.success.schema } } }
      : { description: route.success.description ?? 'No content' };
    registry.registerPath({
      operationId: route.operationId,
      method: route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete',
      path: route.path,
      summary: route.summary,
      tags: [route.tag],
      // Webhooks prove themselves with a provider signature; public routes need nothing.
      security: route.auth === 'jwt' ? [{ [bearer.name]: [] }] : [],
      request: {
        ...(params.length > 0 ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
        ...(route.idempotent
          ? {
              headers: z.object({
                'Idempotency-Key': z.string().max(255).optional().openapi({
                  description: 'Same key and body within 24 h returns the first answer; another body gives 409',
                }),
              }),
            }
          : {}),
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses: { [route.success.status]: success, 429: throttled, ...problemResponses(route) } as never,
    });
  }

  cached = <Record<string, unknown>>(<unknown>new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Practice messaging API',
      version: '1.1.0',
      description:
        'Messaging between healthcare practices and their patients. Errors are application/problem+json with a stable `code`. Lists take `limit` (1-100, default 25) and an opaque `cursor`.',
      license: { name: 'Proprietary', url: 'https://docs.practice-messaging.dev/terms' },
    },
    servers: [{ url: '/' }],
    tags: Object.entries(apiTags).map(([name, description]) => ({ name, description })),
  }));
  return cached as { openapi: string } & Record<string, unknown>;
}
