/**
 * One Lambda function serving a set of route records: one middy chain (logging context,
 * problem+json errors), then for the route of the event: the caller (jwt routes), path, query
 * and body validated with the record's schemas, `Idempotency-Key` honoured where the record
 * says so, and the answer sent with the record's success status. A route implementation only
 * calls its use case.
 *
 * Hostile input ends here as a 4xx: a path id that is not an id is 404 before anything is read,
 * a body that is not `application/json` is 415, a body where none is expected is refused like
 * an unknown field, and list cursors are sealed for the practice, caller and list on the way
 * out and opened on the way in (lambdas/http/sealed-cursor.ts).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Caller } from '../domain/caller.js';
import { DomainError, routeNotFound, unsupportedMediaType, type FieldError } from '../domain/errors.js';
import { logger } from '../logger.js';
import { inRequestScope } from '../request-scope.js';
import { claimedPracticeId, resolveCaller, type CallerDirectory } from './auth.js';
import type { Idempotent } from './idempotency.js';
import { problemErrors } from './problem.js';
import { json, noContent, type HttpResponse } from './responses.js';
import { pathParamNames, routeKey, type PathParams, type RouteSpec } from './route-record.js';
import { openCursor, sealCursor, type CursorBinding, type CursorKeySource } from './sealed-cursor.js';
import { isAcceptableText, isJsonMediaType, parseJsonBody, refuseUnexpectedBody, validate } from './validation.js';

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

/** What a route implementation receives, typed from its record. */
export interface RouteContext<R extends RouteSpec> {
  event: APIGatewayProxyEventV2;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  params: Record<PathParams<R['path']>, string>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
  caller: R['auth'] extends 'jwt' ? Caller : undefined;
  /** The body's bytes as received: what a webhook signature is computed over. */
  rawBody: Buffer;
}

/** The success body, as the record's schema takes it (nothing for 204: whatever it returns is dropped). */
export type RouteResult<R extends RouteSpec> = R['success']['schema'] extends z.ZodMiniType ? z.input<R['success']['schema']> : unknown;

/**
 * A route whose body checks need something read first (a phone is read with the practice's
 * region): `prepare` runs once, its result feeds both `fieldErrors` (listed beside the schema's
 * own errors) and `run`.
 */
export interface PreparedRoute<R extends RouteSpec, P> {
  prepare: (ctx: Omit<RouteContext<R>, 'body'>) => Promise<P>;
  fieldErrors: (raw: Record<string, unknown>, prepared: P) => FieldError[];
  run: (ctx: RouteContext<R>, prepared: P) => Promise<RouteResult<R>>;
}

export type RouteImpl<R extends RouteSpec> =
  | ((ctx: RouteContext<R>) => Promise<RouteResult<R>>)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  | PreparedRoute<R, any>;

export type RouteImpls<T extends Record<string, RouteSpec>> = { [K in keyof T]: RouteImpl<T[K]> };

export interface HttpFunctionOptions {
  /** How jwt routes find the caller in the practice directory. */
  directory?: () => CallerDirectory;
  /** The key list cursors are sealed with (lists page only with one). */
  cursorKey?: CursorKeySource;
  /** `Idempotency-Key` over the function's store (idempotent records need it). */
  idempotent?: Idempotent;
  /**
   * What a route reads first, started together with the auth step's read of the caller (one
   * BatchGetItem), by operation id: given the practice of the verified token and the path
   * parameters. A read is used only once the caller is accepted (and only by the route's first
   * read of that key); a refused caller's reads are dropped with the request.
   */
  prefetch?: Readonly<Record<string, (request: { practiceId: string; params: Record<string, string> }) => void>>;
}

function headersOf(event: APIGatewayProxyEventV2): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  return headers;
}

/** What a path id may be: 1-128 characters of text, without the key separator `#`; nothing a key could choke on. */
const isPathId = (value: string): boolean => value.length >= 1 && value.length <= 128 && !value.includes('#') && isAcceptableText(value);

/** Path parameters, decoded; anything that cannot be an id is simply not found. */
function paramsOf(event: APIGatewayProxyEventV2, spec: RouteSpec): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of pathParamNames(spec.path)) {
    const raw = event.pathParameters?.[name];
    if (raw === undefined) throw routeNotFound();
    const notAnId = () => new DomainError('not_found', 'Nothing has this id.');
    if (raw.length > 3 * 128) throw notAnId();
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      throw notAnId();
    }
    if (!isPathId(value)) throw notAnId();
    params[name] = value;
  }
  return params;
}

/** The list a cursor belongs to: the route, its path parameters and its filters (all but limit and cursor). */
function listOf(event: APIGatewayProxyEventV2, params: Record<string, string>, query: Record<string, string>): string {
  const filters = Object.entries(query).filter(([k]) => k !== 'cursor' && k !== 'limit');
  return JSON.stringify([event.routeKey, Object.entries(params).sort(), filters.sort()]);
}

function queryOf(event: APIGatewayProxyEventV2): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  return query;
}

/** `value[field]` when it is a string (a cursor to open or seal). */
function cursorField(value: unknown, field = 'cursor'): string | undefined {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v : undefined;
}

const rawBodyOf = (event: APIGatewayProxyEventV2): Buffer =>
  event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');

function requestLog(): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  let started = 0;
  const done = (request: middy.Request<APIGatewayProxyEventV2, HttpResponse>) => {
    logger.info('request', { routeKey: request.event.routeKey, status: request.response?.statusCode, ms: Date.now() - started });
  };
  return {
    before: async (request) => {
      started = Date.now();
      logger.appendKeys({ routeKey: request.event.routeKey, requestId: request.event.requestContext?.requestId });
    },
    after: async (request) => done(request),
    onError: async (request) => {
      // problemErrors (inner) has set the response by now; log the outcome, not the error body.
      if (request.response) done(request);
    },
  };
}

/** The Lambda handler of one function: every record in `records` must have an implementation. */
export function httpFunction<T extends Record<string, RouteSpec>>(records: T, impls: RouteImpls<T>, options: HttpFunctionOptions = {}) {
  const key: CursorKeySource =
    options.cursorKey ??
    (async () => {
      throw new Error('httpFunction: a paged list needs options.cursorKey (lambdas/wiring.ts)');
    });
  const idempotent: Idempotent =
    options.idempotent ??
    (async () => {
      throw new Error('httpFunction: an idempotent route needs options.idempotent (lambdas/wiring.ts)');
    });
  const byKey = new Map<string, { operationId: string; spec: RouteSpec; impl: RouteImpl<RouteSpec> }>();
  for (const [operationId, spec] of Object.entries(records)) {
    byKey.set(routeKey(spec), { operationId, spec, impl: impls[operationId] as RouteImpl<RouteSpec> });
  }

  // Each event in its own request scope: reads cached for one request (lambdas/request-scope.ts) end with it.
  const serve = (event: APIGatewayProxyEventV2, context?: Context): Promise<HttpResponse> => inRequestScope(() => serveInScope(event, context));
  const serveInScope = async (event: APIGatewayProxyEventV2, context?: Context): Promise<HttpResponse> => {
    const entry = byKey.get(event.routeKey);
    if (!entry) throw routeNotFound();
    const { operationId, spec, impl } = entry;
    const headers = headersOf(event);
    const params = paramsOf(event, spec);
    const hasBody = event.body !== undefined && event.body !== '';
    // Webhooks take what each provider sends and verify a signature over the raw bytes.
    if (spec.auth !== 'webhook' && hasBody && !isJsonMediaType(headers['content-type'])) throw unsupportedMediaType();
    const parsedBody = spec.auth === 'webhook' ? undefined : parseJsonBody(event.body, event.isBase64Encoded);
    let caller: Caller | undefined;
    if (spec.auth === 'jwt') {
      if (!options.directory) throw new Error(`${event.routeKey}: a jwt route needs a caller directory`);
      const prefetch = options.prefetch?.[operationId];
      const claimed = prefetch ? claimedPracticeId(event) : null;
      if (prefetch && claimed) prefetch({ practiceId: claimed, params });
      caller = await resolveCaller(event, options.directory());
      logger.appendKeys({ practiceId: caller.practiceId, callerId: caller.id });
    }

    const run = async (): Promise<HttpResponse> => {
      const rawQuery = queryOf(event);
      const query = spec.query ? validate(spec.query, rawQuery) : undefined;
      if (spec.auth !== 'webhook' && !spec.body) refuseUnexpectedBody(parsedBody);
      const binding: CursorBinding | undefined = caller && { practiceId: caller.practiceId, callerId: caller.id, list: listOf(event, params, rawQuery) };
      const cursor = cursorField(query);
      if (cursor !== undefined) {
        if (!binding) throw routeNotFound();
        (query as { cursor: string }).cursor = openCursor(await key(), binding, cursor, Date.now());
      }
      const base = { event, headers, params, query, caller, rawBody: rawBodyOf(event) };
      let result: unknown;
      if (typeof impl === 'function') {
        const body = spec.body ? validate(spec.body, parsedBody === undefined ? {} : parsedBody) : undefined;
        result = await impl({ ...base, body } as RouteContext<RouteSpec>);
      } else {
        const prepared: unknown = await impl.prepare(base as Omit<RouteContext<RouteSpec>, 'body'>);
        const body = spec.body ? validate(spec.body, parsedBody === undefined ? {} : parsedBody, (raw) => impl.fieldErrors(raw, prepared)) : undefined;
        result = await impl.run({ ...base, body } as RouteContext<RouteSpec>, prepared);
      }
      const next = cursorField(result, 'nextCursor');
      if (binding && next !== undefined) {
        (result as { nextCursor: string }).nextCursor = sealCursor(await key(), binding, next, Date.now());
      }
      if (spec.success.status === 204) return noContent();
      // A non-JSON answer (TwiML, a handshake's challenge): the implementation returned the text itself.
      if (spec.success.contentType) return { statusCode: spec.success.status, headers: { 'content-type': `${spec.success.contentType}; charset=utf-8` }, body: String(result) };
      return json(spec.success.status, result);
    };

    if (!spec.idempotent || !caller) return run();
    // The key's claim lapses with this invocation's deadline; a write may store its answer itself.
    const deadline = typeof context?.getRemainingTimeInMillis === 'function' ? Date.now() + context.getRemainingTimeInMillis() : undefined;
    return idempotent({ routeKey: event.routeKey, params, headers, body: parsedBody, caller, successStatus: spec.success.status, ...(deadline ? { deadline } : {}) }, run);
  };

  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestLog())
    .use(problemErrors())
    .handler(serve);
}
