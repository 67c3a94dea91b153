/**
 * Staff status (contract, Directory): `PATCH /v1/staff/{id}` `{ status }`, default active;
 * inactive takes effect at once: every call with that person's token is 403 unknown_caller,
 * they leave the staff list patients see (staff still see them), and their conversations stay.
 */
import { describe, expect, it } from 'vitest';
import { type Actor, call, expectProblem, newPractice } from './api-client.js';
import { messages, portal, pt, started } from './conversation-helpers.js';
import { errorPaths, succeeded } from './fixtures.js';

const setStatus = (admin: Actor, id: string, status: unknown) => call('PATCH', `/v1/staff/${id}`, { token: admin.token, body: { status } });

const staffIds = async (token: string): Promise<string[]> =>
  (await succeeded('staff list', call('GET', '/v1/staff?limit=100', { token }), 200)).items.map((s: { id: string }) => s.id);

describe('Staff status', () => {
  it('a new member of staff is active', async () => {
    const p = await newPractice();
    const s = await p.staff('receptionist');
    expect(s.body.status).toBe('active');
    expect((await succeeded('get', call('GET', `/v1/staff/${s.id}`, { token: p.admin.token }), 200)).status).toBe('active');
  });

  it('inactive takes effect at once: every call with their token is 403 unknown_caller; active again lets them back in', async () => {
    const p = await newPractice();
    const leaver = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const patient = await p.patient();
    const { conversation } = await started(leaver.token, portal([pt(patient)]));
    expect((await call('GET', '/v1/conversations', { token: leaver.token })).status).toBe(200);

    const res = await setStatus(p.admin, leaver.id, 'inactive');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: leaver.id, status: 'inactive' });

    for (const [method, path, body] of [
      ['GET', '/v1/conversations'],
      ['GET', `/v1/conversations/${conversation.id}`],
      ['GET', '/v1/staff'],
      ['GET', '/v1/blocks'],
      ['POST', '/v1/conversations', portal([pt(patient)])],
      ['POST', `/v1/conversations/${conversation.id}/messages`, { body: 'Still here, are you?' }],
    ] as const) {
      expectProblem(await call(method, path, { token: leaver.token, ...(body ? { body } : {}) }), 403, 'unknown_caller');
    }
    // Their conversations and messages stay.
    expect((await messages(patient.token, conversation.id)).map((m) => m.author.id)).toEqual([leaver.id]);

    expect((await setStatus(p.admin, leaver.id, 'active')).body.status).toBe('active');
    expect((await call('GET', '/v1/conversations', { token: leaver.token })).status).toBe(200);
  });

  it('an admin with a staff record set inactive is locked out too', async () => {
    const p = await newPractice();
    const admin = await p.staff('admin');
    expect((await call('GET', '/v1/staff', { token: admin.token })).status).toBe(200);
    await succeeded('deactivate', setStatus(p.admin, admin.id, 'inactive'), 200);
    expectProblem(await call('GET', '/v1/staff', { token: admin.token }), 403, 'unknown_caller');
  });

  it('inactive staff leave the list patients see; staff still see them, with their status', async () => {
    const p = await newPractice();
    const stays = await p.staff('receptionist');
    const leaves = await p.staff('biller');
    const patient = await p.patient();
    await succeeded('deactivate', setStatus(p.admin, leaves.id, 'inactive'), 200);

    const seenByPatient = await staffIds(patient.token);
    expect(seenByPatient).toContain(stays.id);
    expect(seenByPatient).not.toContain(leaves.id);
    expectProblem(await call('GET', `/v1/staff/${leaves.id}`, { token: patient.token }), 404, 'not_found');

    const seenByStaff = (await succeeded('list', call('GET', '/v1/staff?limit=100', { token: stays.token }), 200)).items;
    expect(seenByStaff.find((s: { id: string }) => s.id === leaves.id)).toMatchObject({ status: 'inactive' });
    expect(seenByStaff.find((s: { id: string }) => s.id === stays.id)).toMatchObject({ status: 'active' });
    expect((await succeeded('get', call('GET', `/v1/staff/${leaves.id}`, { token: stays.token }), 200)).status).toBe('inactive');
  });

  it('refuses a status other than active or inactive', async () => {
    const p = await newPractice();
    const s = await p.staff('provider');
    for (const bad of ['gone', null, true]) {
      const res = await setStatus(p.admin, s.id, bad);
      expectProblem(res, 400, 'validation_failed');
      expect(errorPaths(res)).toEqual(['status']);
    }
  });
});
