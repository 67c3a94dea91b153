/**
 * The OpenAPI 3.1 document, generated from the route records (lambdas/http/routes/) and the
 * error catalogue (problem.ts): the schemas are the objects requests are validated with, the
 * statuses those the errors are answered with, so the document cannot drift from the code.
 *
 * Each schema becomes JSON Schema through zod's own `z.toJSONSchema` (request bodies and query
 * parameters as they are taken in, answers as they are sent). A schema with an `id`
 * (`z.doc(schema, { id })`) is a named component, referenced wherever it is used.
 */
import type { ErrorKind } from '../domain/errors.js';
import { problemCatalogue, publicCode } from './problem.js';
import { apiTags, pathParamNames, type RouteAuth } from './route-record.js';
import { routes, type Route } from './routes/index.js';
import { Problem } from './schemas/common.js';
import * as z from './schemas/zod.js';

type JsonSchema = Record<string, unknown>;

/** What every route of an auth kind may answer, beside its own errors. */
const commonErrors: Record<RouteAuth, readonly ErrorKind[]> = {
  jwt: ['validation_failed', 'unauthorized', 'unknown_caller', 'forbidden', 'not_found'],
  webhook: ['unauthorized'],
  none: [],
};

/** The properties of an object schema (a query), or none. */
const shapeOf = (schema: z.ZodMiniType | undefined): Record<string, z.ZodMiniType> =>
  schema instanceof z.ZodMiniObject ? (schema.shape as Record<string, z.ZodMiniType>) : {};

function errorKinds(route: Route): ErrorKind[] {
  const kinds: ErrorKind[] = [...commonErrors[route.auth], ...(route.errors ?? [])];
  if (route.body || route.query) kinds.push('validation_failed');
  // Every JSON body may be sent with another content type; every paged list takes a cursor.
  if (route.body && route.auth !== 'webhook') kinds.push('unsupported_media_type');
  if ('cursor' in shapeOf(route.query)) kinds.push('invalid_cursor');
  if (route.idempotent) kinds.push('validation_failed', 'idempotency_key_reused', 'idempotency_in_progress');
  return kinds;
}

/**
 * The document's JSON Schemas. Named schemas met on the way are kept once as components; the
 * same name met again must give the same schema (a request and an answer sharing a component
 * with a default or a transform would not), or the document is refused.
 */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  of(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _, $defs, ...root } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw', override: tidy(io) }) as JsonSchema;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const component = refsToComponents(def) as JsonSchema;
      const known = this.schemas[id];
      if (known && JSON.stringify(known) !== JSON.stringify(component)) {
        throw new Error(`OpenAPI: the schema named ${id} differs between its uses (${io})`);
      }
      this.schemas[id] = component;
    }
    return refsToComponents(root) as JsonSchema;
  }
}

/**
 * What zod writes that the document should not say: that an answer's object has no other
 * property (answers may gain fields; only request bodies are strict objects, refused with
 * `Unknown field`), and the safe-integer bounds of every integer. What it leaves out: the
 * property that tells a discriminated union's members apart.
 */
const tidy =
  (io: 'input' | 'output') =>
  ({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }): void => {
    const def = zodSchema._zod.def as { type: string; catchall?: unknown; discriminator?: string };
    if (io === 'output' && def.type === 'object' && def.catchall === undefined) delete jsonSchema.additionalProperties;
    if (def.type === 'union' && def.discriminator) jsonSchema.discriminator = { propertyName: def.discriminator };
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  };

/** `#/$defs/X` (zod's) → `#/components/schemas/X` (OpenAPI's). */
function refsToComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(refsToComponents);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : refsToComponents(v),
    ]),
  );
}

/** Problem responses by status, each listing the public codes it can carry. */
function problemResponses(route: Route, problem: JsonSchema, throttled: JsonSchema): Record<string, unknown> {
  const codes = new Map<number, Set<string>>();
  for (const kind of errorKinds(route)) {
    const { status } = problemCatalogue[kind];
    codes.set(status, (codes.get(status) ?? new Set()).add(publicCode(kind)));
  }
  const responses: Record<string, unknown> = {};
  for (const [status, set] of [...codes].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: `Problem; code one of: ${[...set].join(', ')}`,
      content: { 'application/problem+json': { schema: problem } },
    };
  }
  // A route's own 429 (with Retry-After) shares the status with API Gateway's throttling answer.
  if (responses[429]) {
    responses[429] = {
      description: `${THROTTLED}, or a problem; code one of: ${[...(codes.get(429) ?? [])].join(', ')}`,
      headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
      content: { ...(responses[429] as { content: object }).content, 'application/json': { schema: throttled } },
    };
  }
  return responses;
}

const THROTTLED = 'Too many requests (API Gateway throttling)';
/** API Gateway's own answer when a stage's throttling limit is reached, before any function runs. */
const GatewayMessage = z.doc(z.object({ message: z.string() }), { id: 'GatewayMessage' });
const IdempotencyKey = z.doc(z.optional(z.string().check(z.maxLength(255))), { description: 'Same key and body within 24 h returns the first answer; another body gives 409' });

/** A query parameter or header, as OpenAPI describes one. */
function parameter(components: Components, name: string, where: 'query' | 'header', schema: z.ZodMiniType): JsonSchema {
  const json = components.of(schema, 'input');
  return {
    schema: json,
    required: schema._zod.optin !== 'optional',
    ...(typeof json.description === 'string' ? { description: json.description } : {}),
    name,
    in: where,
  };
}

let cached: Record<string, unknown> | undefined;

export function openApiDocument(): { openapi: string } & Record<string, unknown> {
  if (cached) return cached as { openapi: string } & Record<string, unknown>;
  const components = new Components();
  const problem = components.of(Problem, 'output');
  const throttled = components.of(GatewayMessage, 'output');
  const bearer = 'bearerAuth';
  const paths: Record<string, Record<string, unknown>> = {};

  for (const route of routes) {
    const params = pathParamNames(route.path);
    const success = route.success.schema
      ? {
          description: route.success.description ?? 'Success',
          content: { [route.success.contentType ?? 'application/json']: { schema: components.of(route.success.schema, 'output') } },
        }
      : { description: route.success.description ?? 'No content' };
    const parameters = [
      ...params.map((name) => ({ schema: { type: 'string' }, required: true, name, in: 'path' })),
      ...Object.entries(shapeOf(route.query)).map(([name, schema]) => parameter(components, name, 'query', schema)),
      ...(route.idempotent ? [parameter(components, 'Idempotency-Key', 'header', IdempotencyKey)] : []),
    ];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      // Webhooks prove themselves with a provider signature; public routes need nothing.
      security: route.auth === 'jwt' ? [{ [bearer]: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: components.of(route.body, 'input') } } } } : {}),
      responses: {
        [route.success.status]: success,
        429: { description: THROTTLED, content: { 'application/json': { schema: throttled } } },
        ...problemResponses(route, problem, throttled),
      },
    };
  }

  cached = {
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
    components: {
      securitySchemes: {
        [bearer]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token carrying practice_id and role claims' },
      },
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
    paths,
  };
  return cached as { openapi: string } & Record<string, unknown>;
}
