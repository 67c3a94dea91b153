import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

process.env.TABLE_NAME ??= 'unit';
const { httpFunction } = await import('../../../lambdas/http/http-function.js');
const { route } = await import('../../../lambdas/http/route-record.js');

/** A practice directory where `staff-1` is a receptionist. */
const directory = () => ({
  findStaffEntry: async (_p: string, id: string) => (id === 'staff-1' ? { name: 'R', role: 'receptionist', permissions: [] } : null),
  findPatientEntry: async () => null,
});

const records = {
  createThing: route({
    method: 'POST',
    path: '/v1/things/{id}',
    auth: 'jwt',
    summary: 'Create a thing',
    tag: 'meta',
    body: z.strictObject({ name: z.string(), phone: z.string().optional() }),
    success: { status: 201, schema: z.object({ id: z.string(), name: z.string() }) },
  }),
  dropThing: route({ method: 'DELETE', path: '/v1/things/{id}', auth: 'jwt', summary: 'Drop', tag: 'meta', success: { status: 204 } }),
  receiveHook: route({
    method: 'POST',
    path: '/webhooks/test',
    auth: 'webhook',
    summary: 'A provider calls',
    tag: 'meta',
    success: { status: 200, schema: z.object({ bytes: z.number(), caller: z.boolean() }) },
  }),
};

const seen: string[] = [];
const handler = httpFunction(
  records,
  {
    createThing: {
      prepare: async () => 'GB',
      fieldErrors: (raw, region) => (raw['phone'] === 'bad' ? [{ path: 'phone', message: `not a ${region} number` }] : []),
      run: async ({ params, body, caller }) => {
        seen.push(`create ${params.id} by ${caller.id}`);
        return { id: params.id, name: body.name };
      },
    },
    dropThing: async ({ params }) => {
      seen.push(`drop ${params.id}`);
    },
    receiveHook: async ({ rawBody, caller, body }) => ({ bytes: rawBody.length, caller: caller !== undefined || body !== undefined }),
  },
  { directory },
);

const context = { functionName: 'unit', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

function event(routeKey: string, path: Record<string, string>, body?: string, claims = true, base64 = false): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: path,
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: base64,
    requestContext: {
      requestId: 'r',
      ...(claims ? { authorizer: { jwt: { claims: { sub: 'staff-1', practice_id: 'p1', role: 'receptionist' } } } } : {}),
    },
  } as unknown as APIGatewayProxyEventV2;
}

const invoke = async (e: APIGatewayProxyEventV2) => {
  const res = await handler(e, context);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
};

describe('httpFunction: a function served from its route records', () => {
  it('answers with the record’s success status, the path parameter decoded and the caller resolved', async () => {
    const res = await invoke(event('POST /v1/things/{id}', { id: 'a%20b' }, '{"name":"x"}'));
    expect(res).toEqual({ status: 201, body: { id: 'a b', name: 'x' } });
    expect(seen).toContain('create a b by staff-1');
  });

  it('lists the schema’s errors and the prepared checks together', async () => {
    const res = await invoke(event('POST /v1/things/{id}', { id: 'a' }, '{"phone":"bad","extra":1}'));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['extra', 'name', 'phone']);
  });

  it('answers 204 with no body, whatever the implementation returns', async () => {
    const res = await invoke(event('DELETE /v1/things/{id}', { id: 'gone' }));
    expect(res).toEqual({ status: 204, body: undefined });
  });

  it('refuses a jwt route without claims (401 unauthorized)', async () => {
    expect((await invoke(event('DELETE /v1/things/{id}', { id: 'x' }, undefined, false))).body.code).toBe('unauthorized');
  });

  it('answers 404 for a route key it does not serve and for a malformed escape in a path id', async () => {
    expect((await invoke(event('GET /v1/nothing', {}))).status).toBe(404);
    expect((await invoke(event('DELETE /v1/things/{id}', { id: '%E0%A4%A' }))).body.code).toBe('not_found');
  });

  it('hands a webhook its raw bytes, unparsed (even when they are not JSON) and with no caller', async () => {
    const raw = Buffer.from('From=%2B1202&Body=hi').toString('base64');
    const res = await invoke(event('POST /webhooks/test', {}, raw, false, true));
    expect(res).toEqual({ status: 200, body: { bytes: 20, caller: false } });
  });
});

describe('httpFunction: a route’s first read prefetched with the caller’s', () => {
  const order: string[] = [];
  const prefetched = httpFunction(
    records,
    {
      createThing: { prepare: async () => 'US', fieldErrors: () => [], run: async ({ params, body }) => ({ id: params.id, name: body.name }) },
      dropThing: async ({ params }) => {
        order.push(`route ${params.id}`);
      },
      receiveHook: async () => ({ bytes: 0, caller: false }),
    },
    {
      directory: () => ({
        findStaffEntry: async (_p: string, id: string) => {
          order.push(`caller ${id}`);
          return id === 'staff-1' ? { name: 'R', role: 'receptionist', permissions: [] } : null;
        },
        findPatientEntry: async () => null,
      }),
      prefetch: { dropThing: ({ practiceId, params }) => order.push(`prefetch ${practiceId}/${params['id'] as string}`) },
    },
  );

  it('starts the prefetch with the practice of the token and the validated path parameters, before the caller check, only for its route', async () => {
    order.length = 0;
    const res = await prefetched(event('DELETE /v1/things/{id}', { id: 'c1' }), context);
    expect(res.statusCode).toBe(204);
    expect(order).toEqual(['prefetch p1/c1', 'caller staff-1', 'route c1']);
    order.length = 0;
    await prefetched(event('POST /v1/things/{id}', { id: 'c2' }, '{"name":"x"}'), context);
    expect(order).toEqual(['caller staff-1']);
  });

  it('prefetches nothing without claims or for a path id that is refused (404), and the route never runs for a refused caller', async () => {
    order.length = 0;
    expect((await prefetched(event('DELETE /v1/things/{id}', { id: 'c1' }, undefined, false), context)).statusCode).toBe(401);
    expect((await prefetched(event('DELETE /v1/things/{id}', { id: 'a#b' }), context)).statusCode).toBe(404);
    expect(order).toEqual([]);
  });
});
