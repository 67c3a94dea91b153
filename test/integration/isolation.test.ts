/**
 * Tenant isolation, randomized: practice B's admin and staff call every route with ids and
 * cursors of practice A (in the path, the cursor and the body), mixed at random with B's own
 * ids. Every answer is 404 or 400: never 2xx (nothing read, written or created), never 403
 * (which would tell an id exists), never 5xx. The seed is printed with any failure;
 * ISOLATION_SEED replays a run.
 *
 * Two answers are what they would be for an id that never existed, so they count as 404: a
 * bulk route's per-item `not_found` (POST /v1/contacts/block reports each id, API.md), and a
 * 403 that B's caller gets for B's own ids as well (a route its role may not use at all); that
 * attempt is then made again by B's admin.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call } from './api-client.js';
import { BODY } from './conversation-helpers.js';
import { fillPath, isList, practiceScene, resourceOf, routeName, type Scene, tenantRoutes } from './practice-scene.js';
import type { Route } from '../../lib/routes.js';

const seed = Number(process.env.ISOLATION_SEED ?? Date.now() % 1_000_000);
const ROUNDS = 4;

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function generator(s: number) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

let a: Scene;
let b: Scene;
beforeAll(async () => {
  [a, b] = await Promise.all([practiceScene(), practiceScene()]);
}, 180_000);

/**
 * A body the route would take, naming `ids` (A's, or B's own where the case mixes them): what
 * matters is that it passes validation, so that the ids are looked up.
 */
function bodyFor(route: Route, ids: Scene['ids']): unknown {
  const bodies: Record<string, unknown> = {
    'PATCH /v1/staff/{id}': { name: 'Renamed' },
    'PATCH /v1/patients/{id}': { name: 'Renamed' },
    'PATCH /v1/conversations/{id}': { starred: true },
    'POST /v1/conversations/{id}/messages': { body: BODY },
    'POST /v1/conversations/{id}/notes': { text: 'A chart note.' },
    'PATCH /v1/blocks/{id}': { reason: 'Changed' },
    'POST /v1/patients/{id}/blocks': { contactMethods: ['email'] },
    'PATCH /v1/contacts/{id}': { name: 'Renamed' },
    'POST /v1/groups/{id}/members': { patientIds: [ids.patients] },
    'PATCH /v1/groups/{id}/chat': { directMessaging: false },
    // No path id: the ids are in the body.
    'POST /v1/conversations': { channel: 'portal', subject: 'Hello', body: BODY, participants: [{ type: 'patient', id: ids.patients }] },
    'POST /v1/call-logs': { patientId: ids.patients, occurredAt: new Date().toISOString(), durationSeconds: 60, direction: 'inbound', summary: 'Called.' },
    'POST /v1/blocks': { type: 'email', value: `iso-${Date.now()}@example.com`, patientId: ids.patients },
    'POST /v1/blocks/from-conversations': { conversationIds: [ids.conversations] },
    'POST /v1/contacts/block': { contactIds: [ids.contacts] },
    'POST /v1/contacts': { name: 'Someone', groupIds: [ids.groups] },
    'POST /v1/broadcasts': { channel: 'portal', subject: 'News', body: BODY, audience: { patientIds: [ids.patients] } },
    'POST /v1/broadcasts/preview': { channel: 'sms', audience: { patientIds: [ids.patients], groupIds: [ids.groups] } },
  };
  return bodies[routeName(route)];
}

/** Routes that name something: a path id, a cursor, or ids in the body. */
const namesSomething = (r: Route) => r.path.includes('{') || isList(r) || (r.method !== 'GET' && bodyFor(r, {} as Scene['ids']) !== undefined);

/** A bulk answer in which every item is reported not found, as an unknown id is. */
const everyItemNotFound = (body: any): boolean =>
  Array.isArray(body?.items) && body.items.length > 0 && body.items.every((i: { status?: string }) => i.status === 'not_found');

interface Attempt {
  what: string;
  method: string;
  path: string;
  /** The same route with B's own ids. */
  own: string;
  body?: unknown;
  token: string;
}

/** One randomized attempt at `route` by one of B's callers with A's ids and cursors. */
function attempt(route: Route, caller = pick([b.admin, b.staff])): Attempt {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, p]) => p as string);
  // Each path id is A's (of the right kind, or of any kind); one may be B's own, as long as one is A's.
  const ownIndex = params.length > 1 && random() < 0.5 ? Math.floor(random() * params.length) : -1;
  const chosen: Record<string, string> = {};
  params.forEach((param, i) => {
    const kind = resourceOf(route.path, param);
    chosen[param] = i === ownIndex ? b.ids[kind] : random() < 0.75 ? a.ids[kind] : pick(Object.values(a.ids));
  });
  const list = isList(route);
  // A list with a path id: A's id with A's cursor, or B's own id with A's cursor.
  if (list && params.length === 1 && random() < 0.5) chosen[params[0]!] = b.ids[resourceOf(route.path, params[0]!)];
  let path = fillPath(route, (p) => chosen[p]!);
  if (list) {
    const cursor = a.cursors.get(routeName(route)) ?? pick([...a.cursors.values()]);
    path += `?cursor=${encodeURIComponent(cursor)}`;
  }
  // Body ids: A's where the path names nothing of A's; otherwise B's own (the path is the probe).
  const bodyIds = params.length === 0 ? a.ids : b.ids;
  const body = route.method === 'GET' ? undefined : bodyFor(route, bodyIds);
  const who = caller === b.admin ? 'B admin' : 'B staff';
  const own = fillPath(route, (p) => b.ids[resourceOf(route.path, p)]);
  return { what: `${routeName(route)} as ${who}: ${path.slice(0, 120)}${body ? ` ${JSON.stringify(body)}` : ''}`, method: route.method, path, own, body, token: caller.token };
}

const send = (t: Attempt, path = t.path) => call(t.method, path, { token: t.token, ...(t.body !== undefined ? { body: t.body } : {}) });

/** The answer to `t`, made again by B's admin when B's caller may not use the route even with B's own ids. */
async function answer(route: Route, t: Attempt) {
  const res = await send(t);
  if (res.status !== 403 || t.token === b.admin.token) return { t, res };
  const ownAnswer = await send(t, t.own);
  if (ownAnswer.status !== 403 || ownAnswer.body?.code !== res.body?.code) return { t, res };
  const again = attempt(route, b.admin);
  return { t: again, res: await send(again) };
}

describe('tenant isolation', () => {
  it(`every route with ids and cursors of another practice answers only 404 or 400 (seed ${seed})`, async () => {
    const probed = tenantRoutes.filter(namesSomething);
    expect(probed.length).toBeGreaterThan(35);
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of [...probed].sort(() => random() - 0.5)) {
        const { t, res } = await answer(route, attempt(route));
        if (res.status === 404 || res.status === 400 || (res.status === 200 && everyItemNotFound(res.body))) continue;
        wrong.push(`${t.what} → ${res.status} ${res.body?.code ?? JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(wrong, `seed ${seed} (ISOLATION_SEED=${seed} replays)`).toEqual([]);
  });

  it("A's data is as A left it: nothing B sent changed, created or deleted anything of A's", async () => {
    const staff = await call('GET', `/v1/staff/${a.ids.staff}`, { token: a.admin.token });
    expect(staff.status).toBe(200);
    expect(staff.body.name).not.toBe('Renamed');
    const patient = await call('GET', `/v1/patients/${a.ids.patients}`, { token: a.admin.token });
    expect(patient.body.name).not.toBe('Renamed');
    expect((await call('GET', `/v1/conversations/${a.ids.conversations}`, { token: a.staff.token })).status).toBe(200);
    const block = await call('GET', `/v1/blocks/${a.ids.blocks}`, { token: a.admin.token });
    expect([block.body.status, block.body.reason]).toEqual(['active', 'Abuse']);
    const contact = await call('GET', `/v1/contacts/${a.ids.contacts}`, { token: a.admin.token });
    expect([contact.body.name, contact.body.status]).toEqual(['Contact One', 'active']);
    const notes = await call('GET', `/v1/patients/${a.ids.patients}/notes?limit=100`, { token: a.staff.token });
    expect(notes.body.items).toHaveLength(2);
    const members = await call('GET', `/v1/groups/${a.ids.groups}/members?limit=100`, { token: a.admin.token });
    expect(members.body.items).toHaveLength(2);
  });
});
