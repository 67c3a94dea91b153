import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../lambdas/domain/caller.js';
import { DomainError } from '../../../lambdas/domain/errors.js';
import type { HttpResponse } from '../../../lambdas/http/responses.js';
import { contact, FakeAudienceDirectory, FakeBroadcastRepository, patient } from './broadcast-fakes.js';

import { InMemoryIdempotencyStore } from '../idempotency-fake.js';

process.env.TABLE_NAME ??= 'unit';
const { idempotency, pendingAnswer } = await import('../../../lambdas/http/idempotency.js');
const bc = await import('../../../lambdas/use-cases/broadcasts.js');
type Key = import('../../../lambdas/http/idempotency.js').IdempotencyKey;


const P = 'practice-1';
const staff: Caller = { practiceId: P, id: 'staff-1', role: 'receptionist', kind: 'staff', name: 'Robin', permissions: ['send_messages'] };
const sms = (audience: Record<string, string[]>) => ({ channel: 'sms' as const, body: 'The clinic is closed on Friday.', audience });

let store: InMemoryIdempotencyStore;
let repo: FakeBroadcastRepository;
let dir: FakeAudienceDirectory;
let deps: import('../../../lambdas/use-cases/broadcasts.js').BroadcastDeps;

beforeEach(() => {
  store = new InMemoryIdempotencyStore();
  // Like writeAnswered: the answer is stored in the broadcast's own transaction.
  repo = new FakeBroadcastRepository(async (answer) => {
    const pending = pendingAnswer(answer);
    if (!pending) return;
    await store.complete(pending.key, pending.response, pending.expiresAt);
    pending.committed();
  });
  dir = new FakeAudienceDirectory();
  deps = { broadcasts: repo, audienceDirectory: dir, now: () => new Date('2026-11-30T12:00:00.000Z') };
});

const kindOf = async (p: Promise<unknown>) => {
  const error = await p.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).kind;
};

/** Runs every background step as the stream would: prepare, then each chunk. */
async function runBackground(id: string) {
  await bc.prepareBroadcast(deps, P, id);
  for (const [index, members] of (repo.chunks.get(id) ?? []).entries()) await bc.fanOutChunk(deps, P, id, index, members);
}

describe('Broadcasts (use cases on fakes)', () => {
  it('a committed broadcast keeps its Idempotency-Key answer: a retry after a crash that followed the write gets it and creates no second blast', async () => {
    dir.patientsById.set('p1', patient('p1'));
    const idempotent = idempotency(store, { ttlSeconds: 3600 });
    const req = { headers: { 'idempotency-key': 'k-1' }, caller: staff, routeKey: 'POST /v1/broadcasts', params: {}, body: sms({ patientIds: ['p1'] }), successStatus: 202 };
    const crashing = async (): Promise<HttpResponse> => {
      await bc.createBroadcast(deps, staff, sms({ patientIds: ['p1'] }));
      throw new Error('the function died after the broadcast was written');
    };
    await expect(idempotent(req, crashing)).rejects.toThrow('died after');
    let ranAgain = false;
    const retry = await idempotent(req, async () => {
      ranAgain = true;
      return { statusCode: 202, headers: {}, body: '{}' };
    });
    expect(ranAgain).toBe(false);
    expect(repo.broadcasts.size).toBe(1);
    const [only] = [...repo.broadcasts.values()];
    expect(retry.statusCode).toBe(202);
    expect(JSON.parse(retry.body as string)).toEqual({ id: only!.id, status: 'preparing' });
  });

  it('answers preparing without resolving anyone: the audience is bounded by named ids and group member counters', async () => {
    dir.patientsById.set('p1', patient('p1'));
    dir.groupsById.set('g1', { id: 'g1', memberCount: 99_999, chat: null, members: [] });
    const answer = await bc.createBroadcast(deps, staff, sms({ patientIds: ['p1'], groupIds: ['g1'] }));
    expect(answer).toEqual({ id: expect.any(String), status: 'preparing' });
    expect(dir.calls).toEqual(['groups', 'existing']);
    expect(await bc.getBroadcast(deps, staff, answer.id)).toMatchObject({ status: 'preparing', recipients: null, excluded: null });
  });

  it('refuses more than 100,000 (audience_too_large) from the counters alone, and 404s an unknown patient or group', async () => {
    dir.patientsById.set('p1', patient('p1'));
    dir.patientsById.set('p2', patient('p2'));
    dir.groupsById.set('g1', { id: 'g1', memberCount: 99_999, chat: null, members: [] });
    expect(await kindOf(bc.createBroadcast(deps, staff, sms({ patientIds: ['p1', 'p2'], groupIds: ['g1'] })))).toBe('audience_too_large');
    expect(await kindOf(bc.previewBroadcast(deps, staff, sms({ patientIds: ['p1', 'p2'], groupIds: ['g1'] })))).toBe('audience_too_large');
    expect(dir.calls).not.toContain('members');
    expect(await kindOf(bc.createBroadcast(deps, staff, sms({ patientIds: ['p1', 'nobody'] })))).toBe('not_found');
    expect(await kindOf(bc.createBroadcast(deps, staff, sms({ groupIds: ['no-group'] })))).toBe('not_found');
    expect(repo.broadcasts.size).toBe(0);
  });

  it('resolves in the background: each person once, every exclusion counted, preparing → sending → done as deliveries settle', async () => {
    dir.patientsById.set('ok', patient('ok'));
    dir.patientsById.set('twice', patient('twice'));
    dir.patientsById.set('own-off', patient('own-off', { chat: { directMessaging: false, communityChat: true } }));
    dir.patientsById.set('group-off', patient('group-off', { groupIds: ['quiet'] }));
    dir.patientsById.set('no-phone', patient('no-phone', { phone: null }));
    dir.patientsById.set('blocked', patient('blocked', { phone: '+12025550999' }));
    dir.patientsById.set('stop', patient('stop', { phone: '+12025550998' }));
    dir.contactsById.set('archived', contact('archived', { status: 'archived' }));
    dir.blocked.add('+12025550999');
    dir.optedOut.add('+12025550998');
    dir.groupsById.set('quiet', { id: 'quiet', memberCount: 1, chat: { directMessaging: false }, members: [{ type: 'patient', id: 'group-off' }] });
    dir.groupsById.set('g', { id: 'g', memberCount: 3, chat: null, members: [{ type: 'patient', id: 'twice' }, { type: 'patient', id: 'ok' }, { type: 'patient', id: 'own-off' }] });
    const { id } = await bc.createBroadcast(deps, staff, sms({ patientIds: ['ok', 'group-off', 'no-phone', 'blocked', 'stop'], contactIds: ['archived'], groupIds: ['g'] }));
    await runBackground(id);
    const sending = await bc.getBroadcast(deps, staff, id);
    expect(sending).toMatchObject({
      status: 'sending',
      recipients: 2,
      excluded: { blocked: 1, chatDisabled: 2, noAddress: 1, optedOut: 1, archived: 1 },
      counts: { queued: 2 },
    });
    expect([...repo.written.entries()]).toEqual([[`${id}/patient#ok`, 1], [`${id}/patient#twice`, 1]]);
    await repo.progress(P, id, { sent: 1, queued: -1 });
    expect((await bc.getBroadcast(deps, staff, id)).status).toBe('sending');
    await repo.progress(P, id, { failed: 1, queued: -1 });
    expect(await bc.getBroadcast(deps, staff, id)).toMatchObject({ status: 'done', counts: { queued: 0, sent: 1, failed: 1 } });
  });

  it('a fan-out that died after writing and before counting, run again, writes nobody twice and counts the chunk once', async () => {
    for (let i = 0; i < 150; i++) dir.patientsById.set(`p${i}`, patient(`p${i}`, { phone: `+1202555${String(1000 + i)}` }));
    dir.groupsById.set('all', { id: 'all', memberCount: 150, chat: null, members: [...dir.patientsById.keys()].map((id) => ({ type: 'patient' as const, id })) });
    const { id } = await bc.createBroadcast(deps, staff, sms({ groupIds: ['all'] }));
    await bc.prepareBroadcast(deps, P, id);
    const chunks = repo.chunks.get(id)!;
    expect(chunks.map((c) => c.length)).toEqual([100, 50]);
    const dying = { ...deps, broadcasts: Object.assign(Object.create(repo), { completeChunk: () => Promise.reject(new Error('died')) }) };
    await expect(bc.fanOutChunk(dying, P, id, 0, chunks[0]!)).rejects.toThrow('died');
    expect(await bc.fanOutChunk(deps, P, id, 0, chunks[0]!)).toEqual({ written: 0, counted: true });
    expect(await bc.fanOutChunk(deps, P, id, 1, chunks[1]!)).toEqual({ written: 50, counted: true });
    expect(await bc.fanOutChunk(deps, P, id, 1, chunks[1]!)).toEqual({ written: 0, counted: false });
    expect([...repo.written.values()].every((n) => n === 1)).toBe(true);
    expect(repo.written.size).toBe(150);
    expect(await bc.getBroadcast(deps, staff, id)).toMatchObject({ status: 'sending', recipients: 150, counts: { queued: 150 } });
  });

  it('an audience that reaches nobody is done at once with its exclusions', async () => {
    dir.patientsById.set('no-phone', patient('no-phone', { phone: null }));
    const { id } = await bc.createBroadcast(deps, staff, sms({ patientIds: ['no-phone'] }));
    await runBackground(id);
    expect(await bc.getBroadcast(deps, staff, id)).toMatchObject({ status: 'done', recipients: 0, excluded: { noAddress: 1 }, counts: { queued: 0 } });
  });

  it('a preview counts like the fan-out, lists only the first 100 left out, and writes nothing', async () => {
    for (let i = 0; i < 130; i++) dir.patientsById.set(`off${i}`, patient(`off${i}`, { chat: { directMessaging: false, communityChat: true } }));
    for (let i = 0; i < 20; i++) dir.patientsById.set(`ok${i}`, patient(`ok${i}`, { phone: `+1202555${String(2000 + i)}` }));
    const ids = [...dir.patientsById.keys()];
    const preview = await bc.previewBroadcast(deps, staff, { channel: 'sms', audience: { patientIds: ids } });
    expect(preview.recipients).toBe(20);
    expect(preview.excluded).toEqual({ blocked: 0, chatDisabled: 130, noAddress: 0, optedOut: 0, archived: 0 });
    expect(preview.unavailable).toHaveLength(100);
    expect(preview.unavailable[0]).toEqual({ type: 'patient', id: 'off0', name: 'Patient off0', reason: 'chat_disabled' });
    expect(repo.broadcasts.size).toBe(0);
    expect(repo.written.size).toBe(0);
  });

  it('a preview that lists the practice’s groups answers the same, and reads no patient’s groups when no group has chat settings', async () => {
    const members = Array.from({ length: 30 }, (_, i) => ({ type: 'patient' as const, id: `m${i}` }));
    for (let i = 0; i < 30; i++) dir.patientsById.set(`m${i}`, patient(`m${i}`, { phone: `+1202555${String(3000 + i)}`, groupIds: i < 10 ? ['quiet'] : ['all'] }));
    dir.groupsById.set('all', { id: 'all', memberCount: 30, chat: null, members });
    dir.groupsById.set('quiet', { id: 'quiet', memberCount: 10, chat: { directMessaging: false }, members: members.slice(0, 10) });
    const input = { channel: 'sms' as const, audience: { groupIds: ['all'] } };
    const read = await bc.previewBroadcast(deps, staff, input);
    expect(read.excluded.chatDisabled).toBe(10);
    dir.listsGroups = true;
    dir.calls.length = 0;
    expect(await bc.previewBroadcast(deps, staff, input)).toEqual(read);
    expect(dir.calls).toContain('patients');
    expect(dir.calls.filter((c) => c === 'groups')).toHaveLength(1); // the audience bound only: chat settings came with the listing

    dir.groupsById.set('quiet', { ...dir.groupsById.get('quiet')!, chat: null });
    dir.listsGroups = false;
    const none = await bc.previewBroadcast(deps, staff, input);
    expect(none.recipients).toBe(30);
    dir.listsGroups = true;
    dir.calls.length = 0;
    expect(await bc.previewBroadcast(deps, staff, input)).toEqual(none);
    expect(dir.calls).toContain('patients without groups');
    expect(dir.calls).not.toContain('patients');
  });

  it('needs staff with send_messages', async () => {
    const biller: Caller = { ...staff, role: 'biller', permissions: [] };
    const patientCaller: Caller = { practiceId: P, id: 'p1', role: 'patient', kind: 'patient', name: 'Pat', permissions: [] };
    expect(await kindOf(bc.createBroadcast(deps, biller, sms({ patientIds: ['p1'] })))).toBe('forbidden');
    expect(await kindOf(bc.previewBroadcast(deps, patientCaller, sms({ patientIds: ['p1'] })))).toBe('forbidden');
  });
});
