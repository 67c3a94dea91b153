import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/routes.js';
import { call, expectProblem, newPractice, tokenFor } from './api-client.js';

describe('HTTP foundation', () => {
  it('answers /health without a token', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('serves an OpenAPI 3.1 document listing every route of lib/routes.ts', async () => {
    const res = await call('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of routes) {
      const op = res.body.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (route.auth === 'jwt') expect(op.security).toEqual([{ bearerAuth: [] }]);
    }
    expect(res.body.components.schemas.Problem).toBeDefined();
    expect(res.body.paths['/dev/token']).toBeUndefined();
  });

  it('refuses a JWT route without a token, or with a token it did not sign', async () => {
    expect((await call('GET', '/v1/staff')).status).toBe(401);
    const forged =
      'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4IiwicHJhY3RpY2VfaWQiOiJwIiwicm9sZSI6ImFkbWluIn0.' + 'A'.repeat(86);
    expect((await call('GET', '/v1/staff', { token: forged })).status).toBe(401);
  });

  it('answers 403 unknown_caller for a non-admin caller missing from the directory or with another role', async () => {
    const p = await newPractice();
    const ghost = await tokenFor(p.practiceId, 'nobody-here', 'receptionist');
    expectProblem(await call('GET', '/v1/staff', { token: ghost }), 403, 'unknown_caller');

    const receptionist = await p.staff('receptionist');
    const wrongRole = await tokenFor(p.practiceId, receptionist.id, 'provider');
    expectProblem(await call('GET', '/v1/staff', { token: wrongRole }), 403, 'unknown_caller');

    const fakePatient = await tokenFor(p.practiceId, receptionist.id, 'patient');
    expectProblem(await call('GET', `/v1/patients/${receptionist.id}`, { token: fakePatient }), 403, 'unknown_caller');
  });

  it('answers 400 validation_failed for a body that is not JSON', async () => {
    const p = await newPractice();
    const res = await call('POST', '/v1/patients', {
      token: p.admin.token,
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400, 'validation_failed');
  });

  it('answers 404 for a route that does not exist', async () => {
    expect((await call('GET', '/v1/nothing-here')).status).toBe(404);
  });

  describe('Idempotency-Key', () => {
    it('returns the first answer for the same key and body, and creates nothing new', async () => {
      const p = await newPractice();
      const body = { name: 'Iris Idem', status: 'active' };
      const headers = { 'idempotency-key': 'create-iris-1' };
      const first = await call('POST', '/v1/patients', { token: p.admin.token, body, headers });
      // Same body with keys in another order is the same request.
      const again = await call('POST', '/v1/patients', { token: p.admin.token, body: { status: 'active', name: 'Iris Idem' }, headers });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      const list = await call('GET', '/v1/patients?q=iris', { token: p.admin.token });
      expect(list.body.items).toHaveLength(1);
    });

    it('answers 409 idempotency_key_reused for the same key with another body', async () => {
      const p = await newPractice();
      const headers = { 'idempotency-key': 'key-2' };
      expect((await call('POST', '/v1/patients', { token: p.admin.token, body: { name: 'A', status: 'active' }, headers })).status).toBe(201);
      const res = await call('POST', '/v1/patients', { token: p.admin.token, body: { name: 'B', status: 'active' }, headers });
      expectProblem(res, 409, 'idempotency_key_reused');
    });

    it('does not remember a key whose request failed, so a corrected retry goes through', async () => {
      const p = await newPractice();
      const headers = { 'idempotency-key': 'key-3' };
      const bad = await call('POST', '/v1/patients', { token: p.admin.token, body: { name: 'C', status: 'active', phone: 'x' }, headers });
      expectProblem(bad, 400, 'validation_failed');
      const good = await call('POST', '/v1/patients', { token: p.admin.token, body: { name: 'C', status: 'active' }, headers });
      expect(good.status).toBe(201);
    });

    it('keeps keys apart per caller: the same key from two callers creates two records', async () => {
      const p = await newPractice();
      const receptionist = await p.staff('receptionist');
      const headers = { 'idempotency-key': 'shared-key' };
      const body = { name: 'Twin', status: 'active' };
      const a = await call('POST', '/v1/patients', { token: p.admin.token, body, headers });
      const b = await call('POST', '/v1/patients', { token: receptionist.token, body, headers });
      expect(a.body.id).not.toBe(b.body.id);
    });
  });

  describe('tenant isolation', () => {
    it("answers 404, never 403, for another practice's patient and staff ids", async () => {
      const a = await newPractice();
      const b = await newPractice();
      const patient = await a.patient({ email: 'iso@example.com' });
      const staff = await a.staff('receptionist');
      expectProblem(await call('GET', `/v1/patients/${patient.id}`, { token: b.admin.token }), 404, 'not_found');
      expectProblem(await call('PATCH', `/v1/patients/${patient.id}`, { token: b.admin.token, body: { name: 'Hijack' } }), 404, 'not_found');
      expectProblem(await call('GET', `/v1/staff/${staff.id}`, { token: b.admin.token }), 404, 'not_found');
      const search = await call('GET', '/v1/patients?q=iso', { token: b.admin.token });
      expect(search.body.items).toEqual([]);
      const unchanged = await call('GET', `/v1/patients/${patient.id}`, { token: a.admin.token });
      expect(unchanged.body.name).toBe(patient.body.name);
    });

    it("refuses a cursor taken from another practice's list", async () => {
      const a = await newPractice();
      const b = await newPractice();
      await a.patient();
      await a.patient();
      const page = await call('GET', '/v1/patients?limit=1', { token: a.admin.token });
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const res = await call('GET', `/v1/patients?limit=1&cursor=${page.body.nextCursor}`, { token: b.admin.token });
      // API.md v1.1: a cursor of another practice, caller or list is 400 invalid_cursor.
      expectProblem(res, 400, 'invalid_cursor');
    });
  });
});
