/** Helpers shared by the test files that start and reply to conversations. */
import { type Actor, type ApiResponse, call, newPractice } from './api-client.js';
import { succeeded } from './fixtures.js';

export const pt = (a: Actor) => ({ type: 'patient', id: a.id });
export const st = (a: Actor) => ({ type: 'staff', id: a.id });
export const BODY = 'Hello, this is a message from the practice.';

export function portal(participants: unknown[], extra: Record<string, unknown> = {}) {
  return { channel: 'portal', subject: 'Checking in', body: BODY, participants, ...extra };
}

export function start(token: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
  return call('POST', '/v1/conversations', { token, body, ...(headers ? { headers } : {}) });
}

/** The answer of a start that must succeed: the conversation and its first message. */
export function started(token: string, body: unknown): Promise<{ conversation: any; message: any }> {
  return succeeded('start', start(token, body), 201);
}

/** A reply: a text (the message body) or a whole request body. */
export function reply(token: string, conversationId: string, body: Record<string, unknown> | string = BODY): Promise<ApiResponse> {
  return call('POST', `/v1/conversations/${conversationId}/messages`, { token, body: typeof body === 'string' ? { body } : body });
}

/** The answer of a reply that must succeed. */
export const replied = (token: string, conversationId: string, body = BODY): Promise<any> =>
  succeeded('reply', reply(token, conversationId, body), 201);

/** The first page (up to 100) of a conversation's messages. */
export async function messages(token: string, conversationId: string): Promise<any[]> {
  return (await succeeded('messages', call('GET', `/v1/conversations/${conversationId}/messages?limit=100`, { token }), 200)).items;
}

/** Ids of the caller's inbox for a query, first page of up to 100. */
export async function inboxIds(token: string, query = ''): Promise<string[]> {
  const body = await succeeded(`inbox ${query}`, call('GET', `/v1/conversations?${query ? `${query}&` : ''}limit=100`, { token }), 200);
  return body.items.map((c: { id: string }) => c.id);
}

/** A fresh practice, a receptionist, a patient (with `patientExtra`) and a portal conversation between them. */
export async function portalScene(patientExtra: Record<string, unknown> = {}) {
  const p = await newPractice();
  const receptionist = await p.staff('receptionist');
  const patient = await p.patient(patientExtra);
  const { conversation } = await started(receptionist.token, portal([pt(patient)]));
  return { p, receptionist, patient, conversation };
}
