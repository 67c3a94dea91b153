/**
 * What a route is, written once: method, path, auth kind, request schemas, success status and
 * schema, error kinds, idempotency, and the function that serves it. The CDK stack, the local
 * server, the handler dispatch and the OpenAPI document are all derived from these records
 * (lambdas/http/routes/). Nothing about a route is written anywhere else.
 */
import type * as z from 'zod/mini';
import type { ErrorKind } from '../domain/errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * `jwt`: behind the Cognito JWT authorizer, the caller is resolved from the claims;
 * `webhook`: no JWT, the handler verifies a provider signature over the raw body;
 * `none`: public by contract (health, the OpenAPI document).
 */
export type RouteAuth = 'jwt' | 'webhook' | 'none';

export type SuccessStatus = 200 | 201 | 202 | 204;

/** Sections of the API reference (described in the OpenAPI document). */
export const apiTags = {
  meta: 'Liveness and this document',
  directory: 'Practice settings, staff and patients',
  conversations: 'Conversations, messages, chart notes, call logs and correspondence',
  blocks: 'Blocked emails and phones: block, edit, unblock, history and statistics',
  contacts: 'Contacts outside the patient list, and blocking them',
  groups: 'Groups of patients and contacts',
  'chat settings': 'Who may chat: practice default, groups and patients',
  broadcasts: 'Blasts: one private message per recipient, sent in the background',
  attachments: 'Files up to 10 MB: upload, check, download',
  'channel settings': "The practice's SMS numbers, WhatsApp phone-number ids and inbound email addresses",
  webhooks: 'Inbound provider webhooks (SES through SNS, Twilio, WhatsApp): each verifies its provider signature',
  inbound: 'Quarantined inbound messages of blocked senders, and suppressed addresses (bounces, complaints, SMS opt-outs)',
} as const;
export type ApiTag = keyof typeof apiTags;

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/staff/{id}`. */
  path: string;
  auth: RouteAuth;
  summary: string;
  tag: ApiTag;
  /** Strict request body schema; absent when the route takes no body. */
  body?: z.ZodMiniType;
  /** Query string schema; absent when the route reads no query. */
  query?: z.ZodMiniType;
  /** Success status and schema; no schema for 204. */
  success: {
    status: SuccessStatus;
    schema?: z.ZodMiniType;
    description?: string;
    /** A non-JSON answer (a webhook's TwiML, a handshake's challenge): the implementation returns the body as a string. Default JSON. */
    contentType?: 'text/plain' | 'text/xml';
  };
  /** Error kinds this route answers with beyond the common ones of its auth kind. */
  errors?: readonly ErrorKind[];
  /** Honours `Idempotency-Key`. */
  idempotent?: boolean;
}

/** Identity, kept for the literal types: `route({...})` in a routes module. */
export const route = <const R extends RouteSpec>(r: R): R => r;

/** The names of a path's parameters: `'/v1/a/{id}/b/{x}'` → `'id' | 'x'`. */
export type PathParams<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | PathParams<Rest> : never;

export const routeKey = (r: Pick<RouteSpec, 'method' | 'path'>): string => `${r.method} ${r.path}`;

export const pathParamNames = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
