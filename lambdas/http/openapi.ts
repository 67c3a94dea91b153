/** The OpenAPI 3.1 document, generated from lib/routes.ts and the zod schemas in operations.ts. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { routes, routeKey } from '../../lib/routes.js';
import { operations } from './operations.js';
import { Problem } from './schemas/common.js';
import { z } from './schemas/zod.js';

const commonErrors: Record<number, string[]> = {
  400: ['validation_failed'],
  401: ['unauthorized'],
  403: ['unknown_caller', 'forbidden'],
  404: ['not_found'],
};

let cached: object | undefined;

export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.register('Problem', Problem);
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito access token carrying practice_id and role claims',
  });

  for (const route of routes) {
    const op = operations[routeKey(route)];
    if (!op) throw new Error(`No operation is described for ${routeKey(route)}`);
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const errors: Record<number, string[]> = route.auth === 'jwt' ? { ...commonErrors } : {};
    for (const [status, codes] of Object.entries(op.errors ?? {})) {
      errors[Number(status)] = [...(errors[Number(status)] ?? []), ...codes];
    }
    if (op.idempotent) errors[409] = [...(errors[409] ?? []), 'idempotency_key_reused', 'idempotency_in_progress'];

    const responses: Record<string, unknown> = {
      [op.success.status]: op.success.schema
        ? { description: op.success.description ?? 'Success', content: { 'application/json': { schema: op.success.schema } } }
        : { description: op.success.description ?? 'No content' },
    };
    for (const [status, codes] of Object.entries(errors)) {
      responses[status] = {
        description: `Problem; code one of: ${codes.join(', ')}`,
        content: { 'application/problem+json': { schema: Problem } },
      };
    }

    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete',
      path: route.path,
      summary: op.summary,
      tags: [op.tag],
      ...(route.auth === 'jwt' ? { security: [{ [bearer.name]: [] }] } : {}),
      request: {
        ...(pathParams.length > 0
          ? { params: z.object(Object.fromEntries(pathParams.map((p) => [p, z.string()]))) }
          : {}),
        ...(op.query ? { query: op.query as z.ZodObject } : {}),
        headers: op.idempotent
          ? z.object({
              'Idempotency-Key': z.string().max(255).optional().openapi({
                description: 'Same key and body within 24 h returns the first answer; another body gives 409',
              }),
            })
          : undefined,
        ...(op.body ? { body: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
      },
      responses: responses as never,
    });
  }

  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Practice messaging API',
      version: '1.0.0',
      description:
        'Messaging between healthcare practices and their patients. Errors are application/problem+json with a stable `code`. Lists take `limit` (1-100, default 25) and an opaque `cursor`.',
    },
    servers: [{ url: '/' }],
  });
  return cached;
}
