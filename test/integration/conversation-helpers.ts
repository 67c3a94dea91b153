/** Helpers shared by the conversation test files. */
import { type Actor, call } from './api-client.js';

export const pt = (a: Actor) => ({ type: 'patient', id: a.id });
export const st = (a: Actor) => ({ type: 'staff', id: a.id });
export const BODY = 'Hello, this is a message from the practice.';

export function portal(participants: unknown[], extra: Record<string, unknown> = {}) {
  return { channel: 'portal', subject: 'Checking in', body: BODY, participants, ...extra };
}

export async function started(token: string, body: unknown): Promise<{ conversation: any; message: any }> {
  const res = await call('POST', '/v1/conversations', { token, body });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
