/**
 * Broadcasts at scale, through the HTTP API on the local runtime: 202 at once with the audience
 * resolved in the background (preparing → sending → done), every exclusion counted (blocked, chat
 * disabled, no address, opted out, archived), the preview's unavailable list, 422 above 100,000
 * from the counters alone, and a fan-out that died before counting or ran twice sending nobody a
 * second message. The background steps are also run in the test process against the run's
 * DynamoDB Local, to play the crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { call, eventually, expectProblem, newPractice, outbox } from './api-client.js';
import { freshPhone } from './fixtures.js';
import { useRuntimeEnvironment } from './in-process.js';

type Bc = typeof import('../../lambdas/use-cases/broadcasts.js');
let bc: Bc;
let deps: import('../../lambdas/use-cases/broadcasts.js').BroadcastDeps;
let dynamo: typeof import('../../lambdas/adapters/dynamo/client.js')['dynamo'];
let tableName: string;
let keys: typeof import('../../lambdas/adapters/dynamo/keys.js')['keys'];
let lib: typeof import('@aws-sdk/lib-dynamodb');

useRuntimeEnvironment();

beforeAll(async () => {
  bc = await import('../../lambdas/use-cases/broadcasts.js');
  deps = (await import('../../lambdas/wiring.js')).broadcastDeps;
  ({ dynamo, tableName } = await import('../../lambdas/adapters/dynamo/client.js'));
  ({ keys } = await import('../../lambdas/adapters/dynamo/keys.js'));
  lib = await import('@aws-sdk/lib-dynamodb');
});

const pauseStream = (paused: boolean) => call('POST', '/dev/stream', { body: { paused } });
afterAll(async () => {
  await pauseStream(false);
});

const progress = (token: string, id: string) => call('GET', `/v1/broadcasts/${id}`, { token });
const finished = (token: string, id: string) => eventually(`broadcast ${id} done`, () => progress(token, id), (r) => r.body.status === 'done', 60_000);

async function scene() {
  const p = await newPractice();
  const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
  const phones = { ok1: freshPhone(), ok2: freshPhone(), blocked: freshPhone(), chatOff: freshPhone(), groupChatOff: freshPhone(), optedOut: freshPhone(), archived: freshPhone() };
  const ok1 = await p.patient({ phone: phones.ok1 });
  const ok2 = await p.patient({ phone: phones.ok2 });
  const blocked = await p.patient({ phone: phones.blocked });
  const chatOff = await p.patient({ phone: phones.chatOff, chat: { directMessaging: false, communityChat: true } });
  const groupChatOff = await p.patient({ phone: phones.groupChatOff });
  const noPhone = await p.patient({ email: `no.phone.${ulid().toLowerCase()}@example.com` });
  const optedOut = await p.patient({ phone: phones.optedOut });
  const archived = await call('POST', '/v1/contacts', { token: staff.token, body: { name: 'Archived Vendor', primaryPhone: phones.archived, status: 'archived' } });
  expect(archived.status).toBe(201);
  expect((await call('POST', '/v1/blocks', { token: staff.token, body: { type: 'phone', value: phones.blocked } })).status).toBe(201);
  // Chat off through a group the patient belongs to (no own setting): read without a Query per patient.
  const quiet = await call('POST', '/v1/groups', { token: staff.token, body: { name: 'No chat' } });
  expect((await call('POST', `/v1/groups/${quiet.body.id}/members`, { token: staff.token, body: { patientIds: [groupChatOff.id] } })).status).toBeLessThan(300);
  expect((await call('PATCH', `/v1/groups/${quiet.body.id}/chat`, { token: staff.token, body: { directMessaging: false } })).status).toBe(200);
  // An SMS opt-out (STOP): the suppression the inbound keyword handler writes (listed for GET /v1/suppressions and a preview).
  const { DynamoSuppressionRepository } = await import('../../lambdas/adapters/dynamo/suppression-repository.js');
  await new DynamoSuppressionRepository().suppress(p.practiceId, { id: ulid(), channel: 'sms', addressType: 'phone', address: phones.optedOut, reason: 'opt_out', at: new Date().toISOString() });
  const flu = await call('POST', '/v1/groups', { token: staff.token, body: { name: 'Flu clinic' } });
  expect((await call('POST', `/v1/groups/${flu.body.id}/members`, { token: staff.token, body: { patientIds: [ok2.id, chatOff.id, noPhone.id, ok1.id] } })).status).toBeLessThan(300);
  const audience = { patientIds: [ok1.id, blocked.id, groupChatOff.id, optedOut.id], contactIds: [archived.body.id], groupIds: [flu.body.id] };
  return { p, staff, phones, audience, people: { ok1, ok2, blocked, chatOff, groupChatOff, noPhone, optedOut, archived: archived.body } };
}

describe('Broadcasts at scale', () => {
  it('answers 202 preparing at once, resolves in the background and counts every exclusion; the preview lists who is left out and why', async () => {
    const s = await scene();
    const preview = await call('POST', '/v1/broadcasts/preview', { token: s.staff.token, body: { channel: 'sms', audience: s.audience } });
    expect(preview.status).toBe(200);
    const excluded = { blocked: 1, chatDisabled: 2, noAddress: 1, optedOut: 1, archived: 1 };
    expect(preview.body.recipients).toBe(2);
    expect(preview.body.excluded).toEqual(excluded);
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect([...preview.body.unavailable].sort(byId)).toEqual(
      [
        { type: 'patient', id: s.people.blocked.id, name: s.people.blocked.body.name, reason: 'blocked' },
        { type: 'patient', id: s.people.chatOff.id, name: s.people.chatOff.body.name, reason: 'chat_disabled' },
        { type: 'patient', id: s.people.groupChatOff.id, name: s.people.groupChatOff.body.name, reason: 'chat_disabled' },
        { type: 'patient', id: s.people.noPhone.id, name: s.people.noPhone.body.name, reason: 'no_address' },
        { type: 'patient', id: s.people.optedOut.id, name: s.people.optedOut.body.name, reason: 'opted_out' },
        { type: 'contact', id: s.people.archived.id, name: 'Archived Vendor', reason: 'archived' },
      ].sort(byId),
    );

    const res = await call('POST', '/v1/broadcasts', { token: s.staff.token, body: { channel: 'sms', body: 'The practice is closed on Friday.', audience: s.audience } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'preparing' });
    const done = await finished(s.staff.token, res.body.id);
    expect(done.body).toMatchObject({ status: 'done', recipients: 2, excluded, counts: { queued: 0, sent: 2, failed: 0 } });
    for (const [who, phone] of Object.entries(s.phones)) {
      expect(await outbox('sms', phone), who).toHaveLength(who === 'ok1' || who === 'ok2' ? 1 : 0);
    }
  });

  it('is preparing with recipients and excluded null until its audience is resolved; a fan-out that died before counting is finished by the redelivered chunk, and a chunk run again sends nobody a second message', async () => {
    const s = await scene();
    await pauseStream(true);
    let id: string;
    try {
      const res = await call('POST', '/v1/broadcasts', { token: s.staff.token, body: { channel: 'sms', body: 'Flu shots this Saturday.', audience: s.audience } });
      expect(res.status).toBe(202);
      id = res.body.id;
      const early = await progress(s.staff.token, id);
      expect(early.body).toMatchObject({ status: 'preparing', recipients: null, excluded: null });
      // The background steps run here, and the fan-out dies after its writes, before counting.
      const { chunks } = await bc.prepareBroadcast(deps, s.p.practiceId, id);
      expect(chunks).toBe(1);
      const chunk = await dynamo.send(new lib.GetCommand({ TableName: tableName, Key: keys.broadcastChunk(s.p.practiceId, id, 0), ConsistentRead: true }));
      const members = (chunk.Item?.['members'] as string[]).map((m) => ({ type: m.startsWith('p:') ? ('patient' as const) : ('contact' as const), id: m.slice(2) }));
      const crashing = { ...deps, broadcasts: Object.assign(Object.create(deps.broadcasts), { completeChunk: () => Promise.reject(new Error('died before counting')) }) };
      await expect(bc.fanOutChunk(crashing, s.p.practiceId, id, 0, members)).rejects.toThrow('died before counting');
      expect((await progress(s.staff.token, id)).body).toMatchObject({ status: 'preparing', recipients: null });
    } finally {
      await pauseStream(false);
    }
    // The stream now delivers the broadcast, its chunk (again) and the deliveries.
    const done = await finished(s.staff.token, id);
    expect(done.body).toMatchObject({ recipients: 2, excluded: { blocked: 1, chatDisabled: 2, noAddress: 1, optedOut: 1, archived: 1 }, counts: { queued: 0, sent: 2 } });
    expect(await outbox('sms', s.phones.ok1)).toHaveLength(1);
    expect(await outbox('sms', s.phones.ok2)).toHaveLength(1);

    // The same chunk once more (a redelivery after it was counted): nothing written, nothing counted.
    const chunk = await dynamo.send(new lib.GetCommand({ TableName: tableName, Key: keys.broadcastChunk(s.p.practiceId, id, 0), ConsistentRead: true }));
    const members = (chunk.Item?.['members'] as string[]).map((m) => ({ type: m.startsWith('p:') ? ('patient' as const) : ('contact' as const), id: m.slice(2) }));
    expect(await bc.fanOutChunk(deps, s.p.practiceId, id, 0, members)).toEqual({ written: 0, counted: false });
    await call('POST', '/dev/sweep');
    expect((await progress(s.staff.token, id)).body).toEqual(done.body);
    expect(await outbox('sms', s.phones.ok1)).toHaveLength(1);
    expect(await outbox('sms', s.phones.ok2)).toHaveLength(1);
  });

  it('refuses an audience above 100,000 from the group member counters, without resolving anyone (422 audience_too_large)', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages']);
    const group = await call('POST', '/v1/groups', { token: p.admin.token, body: { name: 'Everyone' } });
    await dynamo.send(
      new lib.UpdateCommand({ TableName: tableName, Key: keys.group(p.practiceId, group.body.id), UpdateExpression: 'SET memberCount = :n', ExpressionAttributeValues: { ':n': 100_000 } }),
    );
    const patient = await p.patient({ phone: freshPhone() });
    const body = { channel: 'sms', body: 'Hello from the practice', audience: { groupIds: [group.body.id], patientIds: [patient.id] } };
    expectProblem(await call('POST', '/v1/broadcasts', { token: staff.token, body }), 422, 'audience_too_large');
    expectProblem(await call('POST', '/v1/broadcasts/preview', { token: staff.token, body: { channel: 'sms', audience: body.audience } }), 422, 'audience_too_large');
    // Exactly 100,000 is allowed (the group is empty: nobody is reached, and it is done).
    const ok = await call('POST', '/v1/broadcasts', { token: staff.token, body: { ...body, audience: { groupIds: [group.body.id] } } });
    expect(ok.status).toBe(202);
    expect((await finished(staff.token, ok.body.id)).body).toMatchObject({ recipients: 0, counts: { queued: 0 } });
  });

  it('keeps its Idempotency-Key answer: the same key and body answer the first broadcast again; another practice cannot read it', async () => {
    const s = await scene();
    const key = `bcast-${ulid()}`;
    const body = { channel: 'sms', body: 'Reminder: the clinic opens at 9.', audience: { patientIds: [s.people.ok1.id] } };
    const first = await call('POST', '/v1/broadcasts', { token: s.staff.token, body, headers: { 'idempotency-key': key } });
    const again = await call('POST', '/v1/broadcasts', { token: s.staff.token, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    await finished(s.staff.token, first.body.id);
    expect(await outbox('sms', s.phones.ok1)).toHaveLength(1);
    const other = await newPractice();
    expectProblem(await call('GET', `/v1/broadcasts/${first.body.id}`, { token: other.admin.token }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/broadcasts/preview', { token: other.admin.token, body: { channel: 'sms', audience: { patientIds: [s.people.ok1.id] } } }), 404, 'not_found');
  });
});
