/**
 * No input yields a 5xx (API.md, Conventions): every route of the route table is sent
 * malformed ids, altered and foreign cursors, bad bodies, wrong content types and an over-long
 * body, and answers the documented 4xx every time. Then the text rules and bodiless routes, as
 * a practice's developer meets them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, call, expectProblem } from './api-client.js';
import { errorPaths, succeeded } from './fixtures.js';
import { fillPath, isList, practiceScene, resourceOf, routeName, type Scene, tenantRoutes } from './practice-scene.js';
import { BODY, portal, pt } from './conversation-helpers.js';

let scene: Scene;
beforeAll(async () => {
  scene = await practiceScene();
}, 120_000);

/** Every answer that is not what the case expects, as `route | case → status code`. */
async function sweep(cases: { name: string; send: () => Promise<ApiResponse>; expect: number[] }[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const c of cases) {
    const res = await c.send();
    if (!c.expect.includes(res.status)) wrong.push(`${c.name} → ${res.status} ${res.body?.code ?? JSON.stringify(res.body)}`);
  }
  return wrong;
}

const withBody = tenantRoutes.filter((r) => r.method !== 'GET');
const validPath = (route: (typeof tenantRoutes)[number]) => fillPath(route, (param) => scene.ids[resourceOf(route.path, param)]);

describe('every route, hostile input: a 4xx every time', () => {
  it('a malformed or over-long path id is 404 not_found (5,000 characters, bad escapes, control characters, bidi, lone surrogates)', async () => {
    const malformed = ['x'.repeat(5000), 'x'.repeat(129), '%E0%A4%A', '%', '%00', 'a%0Ab', '%7F', '%E2%80%AEabc', 'a%E2%81%A6b', '%ED%A0%80', 'a%23b'];
    const cases = tenantRoutes.flatMap((route) =>
      [...route.path.matchAll(/\{(\w+)\}/g)].flatMap(([, param]) =>
        malformed.map((bad) => ({
          name: `${routeName(route)} | {${param}}=${bad.slice(0, 12)}`,
          send: () =>
            call(route.method, fillPath(route, (p) => (p === param ? bad : scene.ids[resourceOf(route.path, p)])), {
              token: scene.admin.token,
            }),
          expect: [404],
        })),
      ),
    );
    expect(cases.length).toBeGreaterThan(200);
    expect(await sweep(cases)).toEqual([]);
  });

  it('an altered cursor, one of another list or caller, or a made-up one is 400 invalid_cursor; a non-cursor is 400 validation_failed', async () => {
    const lists = tenantRoutes.filter(isList);
    const cursorOf = (name: string) => scene.cursors.get(name);
    const anyOther = (name: string) => [...scene.cursors].find(([list]) => list !== name)![1];
    const cases = lists.flatMap((route) => {
      const name = routeName(route);
      const path = validPath(route);
      const get = (cursor: string, token = scene.admin.token) => () => call('GET', `${path}?cursor=${encodeURIComponent(cursor)}`, { token });
      const own = cursorOf(name);
      const out = [
        { name: `${name} | another list's cursor`, send: get(anyOther(name)), expect: [400] },
        { name: `${name} | made-up cursor`, send: get('A'.repeat(120)), expect: [400] },
        { name: `${name} | not a cursor`, send: get('garbage'), expect: [400] },
        { name: `${name} | cursor with a NUL`, send: get(`${'A'.repeat(80)}\u0000`), expect: [400] },
      ];
      if (own) {
        const i = Math.floor(own.length / 2);
        const altered = `${own.slice(0, i)}${own[i] === 'A' ? 'B' : 'A'}${own.slice(i + 1)}`;
        out.push(
          { name: `${name} | altered`, send: get(altered), expect: [400] },
          { name: `${name} | truncated`, send: get(own.slice(0, -4)), expect: [400] },
          { name: `${name} | another caller's`, send: get(own, scene.staff.token), expect: [400] },
        );
      }
      return out;
    });
    expect(scene.cursors.size).toBeGreaterThanOrEqual(8);
    expect(await sweep(cases)).toEqual([]);

    // The codes: a well-formed cursor that does not open is invalid_cursor.
    const [list, cursor] = [...scene.cursors][0]!;
    const route = lists.find((r) => routeName(r) === list)!;
    expectProblem(await call('GET', `${validPath(route)}?cursor=${cursor}`, { token: scene.staff.token }), 400, 'invalid_cursor');
    expectProblem(await call('GET', `${validPath(route)}?cursor=garbage`, { token: scene.admin.token }), 400, 'validation_failed');
  });

  it('bad bodies are 400: broken JSON, arrays, strings, null, unknown fields, control characters', async () => {
    const bodies = ['{', '[]', '"text"', 'null', '42', '{"unknownField":1}', '{"name":"a\\u0000b","unknownField":true}', '{"a":'.repeat(50)];
    const cases = withBody.flatMap((route) =>
      bodies.map((raw) => ({
        name: `${routeName(route)} | ${raw.slice(0, 20)}`,
        send: () => call(route.method, validPath(route), { token: scene.admin.token, rawBody: raw, headers: { 'content-type': 'application/json' } }),
        expect: [400],
      })),
    );
    expect(await sweep(cases)).toEqual([]);
  });

  it('a body that is not application/json is 415 unsupported_media_type', async () => {
    const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json-patch+json'];
    const cases = withBody.flatMap((route) =>
      types.map((type) => ({
        name: `${routeName(route)} | ${type}`,
        send: () => call(route.method, validPath(route), { token: scene.admin.token, rawBody: '{}', headers: { 'content-type': type } }),
        expect: [415],
      })),
    );
    expect(await sweep(cases)).toEqual([]);
    expectProblem(await call('POST', '/v1/groups', { token: scene.admin.token, rawBody: '{"name":"x"}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });

  it('an over-long body (2 MB) is a 400, never a crash', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    const cases = withBody.map((route) => ({
      name: routeName(route),
      send: () => call(route.method, validPath(route), { token: scene.admin.token, rawBody: huge, headers: { 'content-type': 'application/json' } }),
      expect: [400],
    }));
    expect(await sweep(cases)).toEqual([]);
  });
});

describe('text rules', () => {
  it('refuse NUL, control characters, bidi overrides and isolates and unpaired surrogates in names, at the field path', async () => {
    for (const raw of ['"Ann\\u0000"', '"Ann\\u0007"', '"Ann\\nSmith"', '"\\u202Egnp.exe"', '"Ann\\u2067"', '"Ann\\ud800"', '"\\udc00Ann"']) {
      const res = await call('POST', '/v1/patients', {
        token: scene.admin.token,
        rawBody: `{"name":${raw},"status":"active","email":${raw}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, raw).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(errorPaths(res).sort(), raw).toEqual(['email', 'name']);
    }
  });

  it('allow newline and tab in a message body and a note, and emoji anywhere', async () => {
    const { conversation } = await succeeded(
      'start',
      call('POST', '/v1/conversations', { token: scene.staff.token, body: portal([pt(scene.patient)], { subject: 'Results 🩺', body: `${BODY}\n\tLine two.\r\n` }) }),
      201,
    );
    await succeeded('note', call('POST', `/v1/conversations/${conversation.id}/notes`, { token: scene.staff.token, body: { text: 'Called.\n\tNo answer.' } }), 201);
    const res = await call('POST', `/v1/conversations/${conversation.id}/messages`, { token: scene.staff.token, body: { body: `${BODY}\u202E` } });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res)).toEqual(['body']);
  });
});

describe('a route that takes no body', () => {
  it('refuses fields like unknown fields: POST /v1/conversations/{id}/read {"x":1} is 400 listing x', async () => {
    const path = `/v1/conversations/${scene.ids.conversations}/read`;
    const res = await call('POST', path, { token: scene.staff.token, body: { x: 1 } });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res)).toEqual(['x']);
  });

  it('takes an empty body or {}', async () => {
    const path = `/v1/conversations/${scene.ids.conversations}/read`;
    expect((await call('POST', path, { token: scene.staff.token })).status).toBeLessThan(300);
    expect((await call('POST', path, { token: scene.staff.token, body: {} })).status).toBeLessThan(300);
  });
});
