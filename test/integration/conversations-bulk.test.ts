import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice } from './api-client.js';
import { inboxIds, portal, portalScene, pt, started } from './conversation-helpers.js';
import { succeeded } from './fixtures.js';

const bulk = (token: string, body: unknown) => call('POST', '/v1/conversations/bulk', { token, body });
const bulked = (token: string, ids: string[], action: string): Promise<any> => succeeded(`bulk ${action}`, bulk(token, { ids, action }), 200);
const statusOf = async (token: string, id: string) => (await succeeded('get', call('GET', `/v1/conversations/${id}`, { token }), 200)) as any;

async function scene() {
  const p = await newPractice();
  const receptionist = await p.staff('receptionist');
  const patients = [await p.patient(), await p.patient(), await p.patient()];
  const ids: string[] = [];
  for (const patient of patients) ids.push((await started(receptionist.token, portal([pt(patient)]))).conversation.id);
  return { p, receptionist, patients, ids };
}

describe('POST /v1/conversations/bulk', () => {
  it('archives each id on its own: the caller’s ones succeed, ids they cannot see are not_found, in the order given', async () => {
    const { p, receptionist, patients, ids } = await scene();
    const colleague = await p.staff('biller');
    const notMine = (await started(colleague.token, portal([pt(patients[0] as { id: string; token: string })]))).conversation.id;
    const elsewhere = (await portalScene()).conversation.id;
    const missing = ulid();

    const { results } = await bulked(receptionist.token, [ids[0] as string, notMine, ids[1] as string, elsewhere, missing], 'archive');
    expect(results).toEqual([
      { id: ids[0], ok: true },
      { id: notMine, ok: false, code: 'not_found' },
      { id: ids[1], ok: true },
      { id: elsewhere, ok: false, code: 'not_found' },
      { id: missing, ok: false, code: 'not_found' },
    ]);
    expect(await inboxIds(receptionist.token)).toEqual([ids[2]]);
    expect((await inboxIds(receptionist.token, 'status=archived')).sort()).toEqual([ids[0], ids[1]].sort());
    // Only the caller's own state changed.
    expect((await statusOf((patients[0] as { token: string }).token, ids[0] as string)).status).toBe('unread');
    expect((await statusOf(colleague.token, notMine)).status).toBe('replied');

    const back = await bulked(receptionist.token, [ids[0] as string, ids[1] as string], 'unarchive');
    expect(back.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect((await inboxIds(receptionist.token)).sort()).toEqual([...ids].sort());
    expect((await statusOf(receptionist.token, ids[0] as string)).status).toBe('read');
  });

  it('read, unread, star and unstar change the caller’s status and star', async () => {
    const { patients, ids, receptionist } = await scene();
    const patient = patients[0] as { id: string; token: string };
    const own = [ids[0] as string];
    const patientIds = await inboxIds(patient.token);
    expect((await statusOf(patient.token, patientIds[0] as string)).status).toBe('unread');

    await bulked(patient.token, patientIds, 'read');
    expect((await statusOf(patient.token, patientIds[0] as string)).status).toBe('read');
    await bulked(patient.token, patientIds, 'unread');
    expect((await statusOf(patient.token, patientIds[0] as string)).status).toBe('unread');
    expect(await inboxIds(patient.token, 'status=unread')).toEqual(patientIds);

    await bulked(receptionist.token, [...ids], 'star');
    expect((await inboxIds(receptionist.token, 'starred=true')).sort()).toEqual([...ids].sort());
    await bulked(receptionist.token, own, 'unstar');
    expect((await inboxIds(receptionist.token, 'starred=true')).sort()).toEqual([ids[1], ids[2]].sort());
  });

  it('a repeated id is answered for each place it appears', async () => {
    const { receptionist, ids } = await scene();
    const id = ids[0] as string;
    const { results } = await bulked(receptionist.token, [id, id], 'star');
    expect(results).toEqual([{ id, ok: true }, { id, ok: true }]);
  });

  it('100 ids are fine; none, 101 or an unknown action are 400 validation_failed', async () => {
    const { receptionist, ids } = await scene();
    const hundred = [...ids, ...Array.from({ length: 97 }, () => ulid())];
    const { results } = await bulked(receptionist.token, hundred, 'archive');
    expect(results).toHaveLength(100);
    expect(results.filter((r: { ok: boolean }) => r.ok).map((r: { id: string }) => r.id)).toEqual(ids);
    expect(results.slice(3).every((r: { code?: string }) => r.code === 'not_found')).toBe(true);

    expectProblem(await bulk(receptionist.token, { ids: [], action: 'archive' }), 400, 'validation_failed');
    expectProblem(await bulk(receptionist.token, { ids: [...hundred, ulid()], action: 'archive' }), 400, 'validation_failed');
    expectProblem(await bulk(receptionist.token, { ids, action: 'delete' }), 400, 'validation_failed');
    expectProblem(await bulk(receptionist.token, { ids, action: 'read', extra: true }), 400, 'validation_failed');
  });
});
