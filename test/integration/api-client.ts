/** A small client for the local HTTP API, as a practice's developer would use it. */
import { inject } from 'vitest';
import { ulid } from 'ulid';

export const baseUrl = () => inject('baseUrl');

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

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
  const res = await fetch(`${baseUrl()}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
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

  async function staff(role: string, permissions: string[] = ['send_messages'], extra: Record<string, unknown> = {}): Promise<Actor & { body: any }> {
    const res = await call('POST', '/v1/staff', {
      token: admin.token,
      body: { name: `${role} ${ulid().slice(-4)}`, role, permissions, ...extra },
    });
    if (res.status !== 201) throw new Error(`staff: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, token: await tokenFor(practiceId, res.body.id, role), body: res.body };
  }

  async function patient(extra: Record<string, unknown> = {}): Promise<Actor & { body: any }> {
    const res = await call('POST', '/v1/patients', {
      token: admin.token,
      body: { name: `Patient ${ulid().slice(-6)}`, status: 'active', ...extra },
    });
    if (res.status !== 201) throw new Error(`patient: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, token: await tokenFor(practiceId, res.body.id, 'patient'), body: res.body };
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
