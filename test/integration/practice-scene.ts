/**
 * A practice with two of everything a route can name (staff, patients, conversations and
 * messages, notes, blocks, contacts, groups, a broadcast), the id each route's path parameters
 * take from it, and a sealed cursor of every list that has a second page. Used by the tests
 * that send every route hostile input (hostile-input, isolation).
 */
import { type Actor, call, eventually, newPractice } from './api-client.js';
import { BODY, portal, pt, replied, started } from './conversation-helpers.js';
import { blocked, contact, group, succeeded } from './fixtures.js';
import { postTwilio, uniqueNumber } from './webhook-signing.js';
import { pathParamNames } from '../../lambdas/http/route-record.js';
import { routes, type Route } from '../../lib/routes.js';

export interface Scene {
  practiceId: string;
  admin: Actor;
  /** A receptionist with every permission. */
  staff: Actor;
  patient: Actor;
  ids: {
    staff: string;
    patients: string;
    conversations: string;
    messages: string;
    blocks: string;
    contacts: string;
    groups: string;
    broadcasts: string;
    drafts: string;
    attachments: string;
    suppressions: string;
  };
  /** A sealed `nextCursor` of each list route (by route key) that has a second page, for the admin. */
  cursors: Map<string, string>;
}

/** The routes a practice's callers use (no public meta routes). */
export const tenantRoutes: Route[] = routes.filter((r) => r.auth === 'jwt');

export const routeName = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** Whether the route pages with `?cursor=`. */
export const isList = (r: Route): boolean => r.query !== undefined && 'shape' in r.query && 'cursor' in (r.query as { shape: object }).shape;

/** The kind of resource a path parameter names: `{messageId}` a message, `{id}` what the path's first segment lists. */
export function resourceOf(path: string, param: string): keyof Scene['ids'] {
  if (param === 'messageId') return 'messages';
  const collection = path.split('/')[2] as string;
  const known: Record<string, keyof Scene['ids']> = {
    staff: 'staff',
    patients: 'patients',
    conversations: 'conversations',
    blocks: 'blocks',
    contacts: 'contacts',
    groups: 'groups',
    broadcasts: 'broadcasts',
    drafts: 'drafts',
    attachments: 'attachments',
    suppressions: 'suppressions',
  };
  const kind = known[collection];
  if (!kind) throw new Error(`${path}: no resource for {${param}}`);
  return kind;
}

/** `route.path` with each parameter replaced by `value(param)` (inserted as is: the caller encodes). */
export const fillPath = (route: Pick<Route, 'path'>, value: (param: string) => string): string =>
  pathParamNames(route.path).reduce((path, name) => path.replace(`{${name}}`, value(name)), route.path);

export async function practiceScene(): Promise<Scene> {
  const p = await newPractice();
  const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
  await p.staff('provider');
  const patient = await p.patient({ email: `patient-${Date.now()}@example.com` });
  const other = await p.patient();
  const { conversation, message } = await started(staff.token, portal([pt(patient)]));
  await started(staff.token, portal([pt(other)]));
  await replied(staff.token, conversation.id);
  for (const text of ['First chart note.', 'Second chart note.']) {
    await succeeded('note', call('POST', `/v1/conversations/${conversation.id}/notes`, { token: staff.token, body: { text } }), 201);
  }
  const block = await blocked(staff.token, { type: 'email', value: `blocked-${Date.now()}@example.com`, reason: 'Spam' });
  await blocked(staff.token, { type: 'phone', value: '+12025550123' });
  await succeeded('update block', call('PATCH', `/v1/blocks/${block.id}`, { token: staff.token, body: { reason: 'Abuse' } }), 200);
  const c = await contact(staff.token, { name: 'Contact One', email: `contact-${Date.now()}@example.com` });
  await contact(staff.token, { name: 'Contact Two', primaryPhone: '+12025550177' });
  const g = await group(staff.token);
  await group(staff.token);
  await succeeded('members', call('POST', `/v1/groups/${g.id}/members`, { token: staff.token, body: { patientIds: [patient.id, other.id] } }));
  const broadcast = await succeeded(
    'broadcast',
    call('POST', '/v1/broadcasts', { token: staff.token, body: { channel: 'portal', subject: 'News', body: BODY, audience: { patientIds: [patient.id, other.id] } } }),
  );
  // Two drafts of the admin (the caller of the list probes), so the drafts list has a second page.
  const draft = await succeeded('draft', call('POST', '/v1/drafts', { token: p.admin.token, body: portal([pt(patient)]) }), 201);
  await succeeded('draft', call('POST', '/v1/drafts', { token: p.admin.token, body: { subject: 'Second draft' } }), 201);

  // An upload of the receptionist's (pending: never uploaded), and a number that texted STOP.
  const attachment = await succeeded(
    'attachment',
    call('POST', '/v1/attachments', { token: staff.token, body: { fileName: 'scan.pdf', contentType: 'application/pdf', size: 1024 } }),
    201,
  );
  const sms = uniqueNumber();
  await succeeded('channels', call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { smsNumbers: [sms] } }), 200);
  const sid = `SM${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const stop = new URLSearchParams({ MessageSid: sid, SmsSid: sid, AccountSid: 'AC1', From: uniqueNumber(), To: sms, Body: 'STOP', NumMedia: '0' });
  await postTwilio(stop.toString());
  const suppressions = await eventually(
    'the opt-out',
    async () => (await call('GET', '/v1/suppressions', { token: p.admin.token })).body?.items ?? [],
    (items: { id: string }[]) => items.length > 0,
  );

  const scene: Scene = {
    practiceId: p.practiceId,
    admin: p.admin,
    staff,
    patient,
    ids: {
      staff: staff.id,
      patients: patient.id,
      conversations: conversation.id,
      messages: message.id,
      blocks: block.id,
      contacts: c.id,
      groups: g.id,
      broadcasts: broadcast.id,
      drafts: draft.id,
      attachments: attachment.id,
      suppressions: (suppressions[0] as { id: string }).id,
    },
    cursors: new Map(),
  };
  for (const route of tenantRoutes.filter((r) => r.method === 'GET' && isList(r))) {
    const path = fillPath(route, (param) => scene.ids[resourceOf(route.path, param)]);
    const res = await call('GET', `${path}?limit=1`, { token: p.admin.token });
    if (res.status === 200 && typeof res.body?.nextCursor === 'string') scene.cursors.set(routeName(route), res.body.nextCursor);
  }
  return scene;
}
