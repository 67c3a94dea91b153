import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

process.env.TABLE_NAME ??= 'unit';
const { httpFunction } = await import('../../../lambdas/http/http-function.js');
const { route } = await import('../../../lambdas/http/route-record.js');
const { PageQuery } = await import('../../../lambdas/http/schemas/common.js');

const staff = new Set(['staff-1', 'staff-2']);
const directory = () => ({
  findStaffEntry: async (_p: string, id: string) => (staff.has(id) ? { name: 'R', role: 'receptionist', permissions: [] } : null),
  findPatientEntry: async () => null,
});

const records = {
  createThing: route({
    method: 'POST',
    path: '/v1/things',
    auth: 'jwt',
    summary: 'Create',
    tag: 'meta',
    body: z.strictObject({ name: z.string(), body: z.string().optional(), tags: z.array(z.string()).optional() }),
    success: { status: 201, schema: z.object({ name: z.string() }) },
  }),
  readThing: route({ method: 'POST', path: '/v1/things/{id}/read', auth: 'jwt', summary: 'Read', tag: 'meta', success: { status: 204 } }),
  listThings: route({
    method: 'GET',
    path: '/v1/boxes/{id}/things',
    auth: 'jwt',
    summary: 'List',
    tag: 'meta',
    query: z.strictObject({ ...PageQuery }),
    success: { status: 200, schema: z.object({ items: z.array(z.number()), nextCursor: z.string().nullable() }) },
  }),
  receiveHook: route({ method: 'POST', path: '/webhooks/test', auth: 'webhook', summary: 'Hook', tag: 'meta', success: { status: 204 } }),
};

/** Positions the list implementation received (the repository's own cursor, never the sealed one). */
const positions: (string | undefined)[] = [];
const handler = httpFunction(
  records,
  {
    createThing: async ({ body }) => ({ name: body.name }),
    readThing: async () => undefined,
    listThings: async ({ query }) => {
      positions.push(query.cursor);
      const from = query.cursor ? Number(query.cursor.replace('pos-', '')) : 0;
      return { items: [from, from + 1], nextCursor: `pos-${from + 2}` };
    },
    receiveHook: async () => undefined,
  },
  { directory, cursorKey: async () => key },
);
const key = randomBytes(32);

const context = { functionName: 'unit', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

interface Req {
  params?: Record<string, string>;
  body?: string;
  contentType?: string | null;
  query?: Record<string, string>;
  sub?: string;
  practice?: string;
}

async function invoke(routeKey: string, r: Req = {}) {
  const headers: Record<string, string> = {};
  if (r.contentType !== null) headers['content-type'] = r.contentType ?? 'application/json';
  const event = {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers,
    pathParameters: r.params ?? {},
    ...(r.query ? { queryStringParameters: r.query } : {}),
    ...(r.body !== undefined ? { body: r.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r',
      authorizer: { jwt: { claims: { sub: r.sub ?? 'staff-1', practice_id: r.practice ?? 'p1', role: 'receptionist' } } },
    },
  } as unknown as APIGatewayProxyEventV2;
  const res = await handler(event, context);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

const create = (body: unknown, contentType?: string | null) =>
  invoke('POST /v1/things', { body: JSON.stringify(body), ...(contentType !== undefined ? { contentType } : {}) });
const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path).sort();

describe('path ids', () => {
  it('answer 404 not_found for an over-long id, a bad escape, control characters or a key separator, before the route runs', async () => {
    for (const id of ['x'.repeat(5000), 'x'.repeat(129), '%E0%A4%A', '%00', 'a%0Ab', '%E2%80%AEab', 'a%23b', '%F0%9F']) {
      const res = await invoke('POST /v1/things/{id}/read', { params: { id } });
      expect({ id: id.slice(0, 20), status: res.status, code: res.body?.code }).toEqual({ id: id.slice(0, 20), status: 404, code: 'not_found' });
    }
  });

  it('accept ULIDs, UUIDs and other plain ids', async () => {
    for (const id of ['01JD3R9V6N8Q2Y4W5X7Z0A1B2C', '7d3f1c2e-9a4b-4c5d-8e6f-0a1b2c3d4e5f', 'staff-1', 'x'.repeat(128)]) {
      expect((await invoke('POST /v1/things/{id}/read', { params: { id } })).status).toBe(204);
    }
  });
});

describe('content types', () => {
  it('refuse a body that is not application/json with 415 unsupported_media_type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/jsonp', null]) {
      const res = await create({ name: 'x' }, type);
      expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 415, code: 'unsupported_media_type' });
    }
  });

  it('take application/json with a charset, and a bodiless request with no content type', async () => {
    expect((await create({ name: 'x' }, 'application/json; charset=utf-8')).status).toBe(201);
    expect((await create({ name: 'x' }, 'Application/JSON')).status).toBe(201);
    expect((await invoke('POST /v1/things/{id}/read', { params: { id: 'a' }, contentType: null })).status).toBe(204);
  });

  it('leave webhooks to take what their provider sends', async () => {
    expect((await invoke('POST /webhooks/test', { body: 'a=1', contentType: 'application/x-www-form-urlencoded' })).status).toBe(204);
  });

  it('refuse a JSON null body like any other body that is not an object (not read as no body)', async () => {
    expect((await create(null)).status).toBe(400);
    expect((await invoke('POST /v1/things/{id}/read', { params: { id: 'a' }, body: 'null' })).status).toBe(400);
  });

  it('refuse a body over 1 MB with 400, not a crash', async () => {
    const res = await create({ name: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});

describe('text rules', () => {
  it('refuse NUL and other control characters, bidi overrides and isolates and unpaired surrogates at the field path', async () => {
    for (const bad of ['a\u0000b', 'a\u0007', 'a\nb', 'a\tb', 'a\u007f', 'a\u0085', 'x\u202Eexe.txt', 'a\u2066b', 'a\uD800', '\uDC00a']) {
      const res = await create({ name: bad });
      expect({ bad: JSON.stringify(bad), status: res.status, paths: paths(res) }).toEqual({ bad: JSON.stringify(bad), status: 400, paths: ['name'] });
    }
  });

  it('allow newline and tab in message bodies and notes, but not NUL or bidi controls', async () => {
    expect((await create({ name: 'x', body: 'line one\n\tline two\r\n' })).status).toBe(201);
    expect(paths(await create({ name: 'x', body: 'a\u0000' }))).toEqual(['body']);
    expect(paths(await create({ name: 'x', body: 'a\u202Db' }))).toEqual(['body']);
  });

  it('list every bad string with the schema’s own errors, nested paths included', async () => {
    const res = await create({ name: 'ok', tags: ['fine', 'bad\u0000'], extra: 1 });
    expect(paths(res)).toEqual(['extra', 'tags.1']);
  });

  it('accept emoji and other paired surrogates', async () => {
    expect((await create({ name: 'Zoë 👩🏽‍⚕️ 日本' })).status).toBe(201);
  });

  it('apply to query strings too', async () => {
    const res = await invoke('GET /v1/boxes/{id}/things', { params: { id: 'b' }, query: { cursor: `${'A'.repeat(70)}\u0000` } });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['cursor']);
  });
});

describe('a route that takes no body', () => {
  it('refuses fields like unknown fields, listing each', async () => {
    const res = await invoke('POST /v1/things/{id}/read', { params: { id: 'a' }, body: '{"x":1,"y":2}' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(paths(res)).toEqual(['x', 'y']);
    expect((await invoke('POST /v1/things/{id}/read', { params: { id: 'a' }, body: '[1]' })).status).toBe(400);
  });

  it('takes an empty body or {}', async () => {
    expect((await invoke('POST /v1/things/{id}/read', { params: { id: 'a' }, body: '' })).status).toBe(204);
    expect((await invoke('POST /v1/things/{id}/read', { params: { id: 'a' }, body: '{}' })).status).toBe(204);
  });
});

describe('list cursors through the function', () => {
  const list = (r: Req = {}) => invoke('GET /v1/boxes/{id}/things', { params: { id: 'box-1' }, ...r });

  it('hand out a sealed cursor and give the route its own position back', async () => {
    const first = await list({ query: { limit: '2' } });
    expect(first.body.nextCursor).not.toContain('pos-');
    positions.length = 0;
    const second = await list({ query: { limit: '2', cursor: first.body.nextCursor } });
    expect(second.status).toBe(200);
    expect(positions).toEqual(['pos-2']);
    expect(second.body.items).toEqual([2, 3]);
  });

  it('refuse with 400 invalid_cursor a cursor used by another caller, practice or list, or altered', async () => {
    const cursor = (await list()).body.nextCursor as string;
    const flipped = `${cursor.slice(0, 40)}${cursor[40] === 'A' ? 'B' : 'A'}${cursor.slice(41)}`;
    const attempts = {
      otherCaller: await list({ query: { cursor }, sub: 'staff-2' }),
      otherPractice: await list({ query: { cursor }, practice: 'p2' }),
      otherList: await list({ query: { cursor }, params: { id: 'box-2' } }),
      otherFilter: await invoke('GET /v1/boxes/{id}/things', { params: { id: 'box-1' }, query: { cursor, limit: '3' } }),
      altered: await list({ query: { cursor: flipped } }),
    };
    const codes = Object.fromEntries(Object.entries(attempts).map(([k, r]) => [k, `${r.status} ${r.body.code}`]));
    expect(codes).toEqual({
      otherCaller: '400 invalid_cursor',
      otherPractice: '400 invalid_cursor',
      otherList: '400 invalid_cursor',
      // limit is not part of the list: a client may change its page size
      otherFilter: '200 undefined',
      altered: '400 invalid_cursor',
    });
  });

  it('answer 400 validation_failed for a string that cannot be a cursor at all', async () => {
    const res = await list({ query: { cursor: 'garbage' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});
