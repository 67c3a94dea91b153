/**
 * A client for the local HTTP API, as a practice's developer would use it. Every answer of a
 * route is checked against what the OpenAPI document says of it: a 2xx body must be exactly
 * the route's success schema (no field missing, none undocumented), an error must be a
 * problem+json document. `api` is typed by openapi-typescript from the served document
 * (api-types.ts, `npm run openapi`), so a drift between code and contract fails type-checking
 * as well as the run.
 */
import createClient from 'openapi-fetch';
import { inject } from 'vitest';
import { ulid } from 'ulid';
import { routeMatcher } from '../../lambdas/http/route-match.js';
import { Problem } from '../../lambdas/http/schemas/common.js';
import { routes, type Route } from '../../lib/routes.js';
import type { components, paths } from './api-types.js';

export const baseUrl = () => inject('baseUrl');

export type Schemas = components['schemas'];

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

const matchRoute = routeMatcher(routes);

/** API Gateway's own answers (authorizer 401, unknown route, throttling) are not problem documents. */
const isGatewayAnswer = (status: number, body: unknown) =>
  [401, 404, 429].includes(status) && typeof body === 'object' && body !== null && Object.keys(body).join() === 'message';

/** Throws when an answer differs from what the route's record (and so the OpenAPI document) promises. */
export function checkAgainstContract(route: Route, status: number, contentType: string | null, body: unknown): void {
  const where = `${route.method} ${route.path} → ${status}`;
  if (status >= 200 && status < 300) {
    if (status !== route.success.status) throw new Error(`${where}: the record says ${route.success.status}`);
    if (!route.success.schema) {
      if (body !== undefined) throw new Error(`${where}: a body where none is documented`);
      return;
    }
    const parsed = route.success.schema.safeParse(body);
    if (!parsed.success) throw new Error(`${where}: body does not match its schema: ${JSON.stringify(parsed.error.issues)}`);
    // The schema strips fields it does not know: what it keeps must be the whole body.
    if (JSON.stringify(sortKeys(parsed.data)) !== JSON.stringify(sortKeys(body))) {
      throw new Error(`${where}: body has fields its schema does not document: ${JSON.stringify(body)}`);
    }
    return;
  }
  if (isGatewayAnswer(status, body)) return;
  if (!String(contentType).startsWith('application/problem+json')) throw new Error(`${where}: errors are application/problem+json, got ${contentType}`);
  const problem = Problem.safeParse(body);
  if (!problem.success) throw new Error(`${where}: not a problem document: ${JSON.stringify(problem.error.issues)}`);
  if (problem.data.status !== status) throw new Error(`${where}: problem status ${problem.data.status}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function parseBody(text: string, contentType?: string | null): unknown {
  // A non-JSON answer (a webhook's TwiML, a handshake's challenge) is its text.
  if (contentType && !/json/i.test(contentType)) return text || undefined;
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** `fetch`, with every answer of a documented route checked against the contract. */
export async function checkedFetch(input: Request): Promise<Response> {
  const res = await fetch(input);
  const url = new URL(input.url);
  const found = matchRoute(input.method, url.pathname);
  if ('route' in found) {
    checkAgainstContract(found.route, res.status, res.headers.get('content-type'), parseBody(await res.clone().text(), res.headers.get('content-type')));
  }
  return res;
}

/** The typed client: paths, parameters, bodies and answers from the OpenAPI document. */
export const api = createClient<paths>({ baseUrl: inject('baseUrl'), fetch: checkedFetch });

/** Bearer and Idempotency-Key headers for `api` calls. */
export const auth = (token: string, idempotencyKey?: string) => ({
  authorization: `Bearer ${token}`,
  ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
});

/** Any request, for what the typed client cannot send (wrong types, raw bodies, unknown routes). */
export async function call<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await checkedFetch(new Request(`${baseUrl()}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
  return { status: res.status, headers: res.headers, body: parseBody(await res.text(), res.headers.get('content-type')) as T };
}

export async function tokenFor(practiceId: string, sub: string, role: string): Promise<string> {
  const res = await call<{ token: string }>('POST', '/dev/token', { body: { practiceId, sub, role } });
  if (res.status !== 200) throw new Error(`token: ${res.status}`);
  return res.body.token;
}

export interface Actor {
  id: string;
  token: string;
}

/** A fresh practice per test file keeps tests independent on one shared table. */
export async function newPractice() {
  const practiceId = `practice-${ulid().toLowerCase()}`;
  const admin: Actor = { id: 'admin-root', token: await tokenFor(practiceId, 'admin-root', 'admin') };

  async function staff(
    role: Schemas['Staff']['role'],
    permissions: Schemas['Staff']['permissions'] = ['send_messages'],
    extra: Partial<Schemas['CreateStaff']> = {},
  ): Promise<Actor & { body: Schemas['Staff'] }> {
    const { data, response, error } = await api.POST('/v1/staff', {
      headers: auth(admin.token),
      body: { name: `${role} ${ulid().slice(-4)}`, role, permissions, ...extra },
    });
    if (!data) throw new Error(`staff: ${response.status} ${JSON.stringify(error)}`);
    return { id: data.id, token: await tokenFor(practiceId, data.id, role), body: data };
  }

  async function patient(extra: Partial<Schemas['CreatePatient']> = {}): Promise<Actor & { body: Schemas['Patient'] }> {
    const { data, response, error } = await api.POST('/v1/patients', {
      headers: auth(admin.token),
      body: { name: `Patient ${ulid().slice(-6)}`, status: 'active', ...extra },
    });
    if (!data) throw new Error(`patient: ${response.status} ${JSON.stringify(error)}`);
    return { id: data.id, token: await tokenFor(practiceId, data.id, 'patient'), body: data };
  }

  return { practiceId, admin, staff, patient };
}

export function expectProblem(res: ApiResponse, status: number, code: string) {
  if (res.status !== status || res.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (!String(res.headers.get('content-type')).startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${res.headers.get('content-type')}`);
  }
}

/** Polls `read` until `done` holds (at most `ms`); the last value is in the error otherwise. */
export async function eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

/** What the local runtime handed to a provider for one recipient, newest first. */
export async function outbox(channel: string, to: string): Promise<{ to: string; subject?: string; body: string; providerMessageId: string }[]> {
  return (await call('GET', `/dev/outbox?channel=${channel}&to=${encodeURIComponent(to)}`)).body;
}
