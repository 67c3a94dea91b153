/** Helpers shared by the integration test files (the API client itself is in api-client.ts). */
import { ulid } from 'ulid';
import { type ApiResponse, call, newPractice } from './api-client.js';

export type Practice = Awaited<ReturnType<typeof newPractice>>;

/**
 * The body of an answer that must succeed: with `status`, exactly that status; without it, any
 * status below 300. Anything else fails with the answer in the message.
 */
export async function succeeded(what: string, res: ApiResponse | Promise<ApiResponse>, status?: number): Promise<any> {
  const r = await res;
  if (status === undefined ? r.status >= 300 : r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The paths of a validation_failed answer's errors. */
export const errorPaths = (res: ApiResponse): string[] => (res.body?.errors ?? []).map((e: { path: string }) => e.path);

/** A fresh US number per test, so outbox counts of parallel tests never mix. */
/**
 * A phone number no other test of the run uses. The local outbox is shared by every test file, so a
 * number two tests send to is counted by both: 9,000 random numbers (+1 202 555 1000-9999) met about
 * once a run. Now a sequence per process from a random start in 8 million numbers (+1 202 200 0000 to
 * +1 202 999 9999, the 555 exchange left to the tests' fixed numbers).
 */
let phoneSeq = Math.floor(Math.random() * 8_000_000);
export const freshPhone = () => {
  let local = 2_000_000 + (phoneSeq++ % 8_000_000);
  if (Math.floor(local / 10_000) === 555) local += 10_000;
  return `+1202${local}`;
};

/** An email address no other test uses (the outbox is shared by every test file): `prefix.<time>.<random>@example.com`. */
export const freshEmail = (prefix: string) => `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;

/** Waits (bounded) until the clock has moved past `iso`, so the next write is strictly later. */
export async function after(iso: string) {
  const deadline = Date.now() + 2_000;
  while (Date.now() <= Date.parse(iso) + 1) {
    if (Date.now() > deadline) throw new Error(`clock did not pass ${iso}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A receptionist allowed to manage contacts and blocks (and nothing else). */
export const manager = (p: Practice, extra: Record<string, unknown> = {}) => p.staff('receptionist', ['manage_contacts'], extra);

/** Makes GB the practice's default region (for national phone numbers). */
export async function setRegionGB(p: Practice) {
  await succeeded('settings', call('PATCH', '/v1/settings/practice', { token: p.admin.token, body: { defaultRegion: 'GB' } }), 200);
}

export function postBlock(token: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
  return call('POST', '/v1/blocks', { token, body, ...(headers ? { headers } : {}) });
}

/** The block created by POST /v1/blocks. */
export const blocked = (token: string, body: Record<string, unknown>): Promise<any> => succeeded('block', postBlock(token, body), 201);

export async function unblock(token: string, id: string) {
  await succeeded('unblock', call('DELETE', `/v1/blocks/${id}`, { token }), 204);
}

/** The contact created by POST /v1/contacts. */
export const contact = (token: string, body: Record<string, unknown>): Promise<any> =>
  succeeded('contact', call('POST', '/v1/contacts', { token, body }), 201);

/** The group created by POST /v1/groups. */
export const group = (token: string, name = `Group ${ulid().slice(-5)}`): Promise<any> =>
  succeeded('group', call('POST', '/v1/groups', { token, body: { name } }), 201);
