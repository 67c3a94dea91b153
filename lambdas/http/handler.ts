/**
 * A handler group: one middy chain (logging context, problem+json errors) around a table of
 * route functions keyed by API Gateway's `routeKey` ("POST /v1/staff"). The chain is the same
 * for every group; route functions stay thin: parse, call a use case, answer.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { Caller } from '../domain/caller.js';
import { routeNotFound, type FieldError } from '../domain/errors.js';
import { resolveCaller, type CallerDirectory } from './auth.js';
import { logger } from '../logger.js';
import { problemErrors } from './problem.js';
import type { HttpResponse } from './responses.js';
import { parseJsonBody, validate } from './validation.js';

export interface PublicRequest {
  event: APIGatewayProxyEventV2;
  routeKey: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
}
export interface Request extends PublicRequest {
  caller: Caller;
}

export type RouteFn<R> = (req: R) => Promise<HttpResponse>;

function baseRequest(event: APIGatewayProxyEventV2): PublicRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.pathParameters ?? {})) if (v !== undefined) params[k] = v;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  return {
    event,
    routeKey: event.routeKey,
    params,
    query,
    headers,
    body: parseJsonBody(event.body, event.isBase64Encoded),
  };
}

function chain(inner: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>) {
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestLog())
    .use(problemErrors())
    .handler(inner);
}

function requestLog(): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  let started = 0;
  const done = (request: middy.Request<APIGatewayProxyEventV2, HttpResponse>) => {
    logger.info('request', {
      routeKey: request.event.routeKey,
      status: request.response?.statusCode,
      ms: Date.now() - started,
    });
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

/** Routes that need no caller (health, OpenAPI document). */
export function publicHandler(table: Record<string, RouteFn<PublicRequest>>) {
  return chain(async (event) => {
    const fn = table[event.routeKey];
    if (!fn) throw routeNotFound();
    return fn(baseRequest(event));
  });
}

/** Routes behind the JWT authorizer: the caller is resolved and checked before the route runs. */
export function httpHandler(table: Record<string, RouteFn<Request>>, directory: () => CallerDirectory) {
  return chain(async (event) => {
    const fn = table[event.routeKey];
    if (!fn) throw routeNotFound();
    const base = baseRequest(event);
    const caller = await resolveCaller(event, directory());
    logger.appendKeys({ practiceId: caller.practiceId, callerId: caller.id });
    return fn({ ...base, caller });
  });
}

/** Body validated by a request schema (strict: unknown fields are refused). */
export const bodyOf = <S extends z.ZodType>(
  req: PublicRequest,
  schema: S,
  extra?: (raw: Record<string, unknown>) => FieldError[],
): z.infer<S> => validate(schema, req.body ?? {}, extra);

export const queryOf = <S extends z.ZodType>(req: PublicRequest, schema: S): z.infer<S> => validate(schema, req.query);

export const paramOf = (req: PublicRequest, name: string): string => {
  const value = req.params[name];
  if (value === undefined) throw routeNotFound();
  return decodeURIComponent(value);
};
