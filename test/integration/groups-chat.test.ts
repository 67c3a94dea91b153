import { describe, expect, it } from 'vitest';
import { type Actor, call, expectProblem, newPractice } from './api-client.js';
import { portal, pt, start } from './conversation-helpers.js';
import { after, group, type Practice, succeeded } from './fixtures.js';

const addMembers = (token: string, groupId: string, body: Record<string, unknown>): Promise<any> =>
  succeeded('members', call('POST', `/v1/groups/${groupId}/members`, { token, body }), 200);

async function effective(p: Practice, patient: Actor): Promise<any> {
  return (await succeeded('patient', call('GET', `/v1/patients/${patient.id}`, { token: p.admin.token }), 200)).effectiveChat;
}

const startDirect = (token: string, patient: Actor) => start(token, portal([pt(patient)], { subject: 'Hello', body: 'Hello from the practice.' }));

describe('Groups', () => {
  it('creates, reads and lists groups by name', async () => {
    const p = await newPractice();
    const m = await p.staff('receptionist', ['manage_contacts']);
    const res = await call('POST', '/v1/groups', { token: m.token, body: { name: 'Zumba class' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'Zumba class', chat: null, memberCount: 0, createdAt: expect.any(String), updatedAt: expect.any(String) });
    await group(m.token, 'allergy clinic');
    expect((await call('GET', `/v1/groups/${res.body.id}`, { token: m.token })).body).toEqual(res.body);
    const listed = await call('GET', '/v1/groups', { token: m.token });
    expect(listed.body.items.map((g: { name: string }) => g.name)).toEqual(['allergy clinic', 'Zumba class']);
    expectProblem(await call('GET', '/v1/groups/01NOSUCH', { token: m.token }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/groups', { token: m.token, body: { name: '' } }), 400, 'validation_failed');
  });

  it('adds patients and contacts; adding again changes nothing; members are listed with names and a cursor', async () => {
    const p = await newPractice();
    const g = await group(p.admin.token);
    const ana = await p.patient({ name: 'Ana Patient' });
    const ben = await p.patient({ name: 'Ben Patient' });
    const lead = (await call('POST', '/v1/contacts', { token: p.admin.token, body: { name: 'Cara Contact' } })).body;

    const first = await addMembers(p.admin.token, g.id, { patientIds: [ana.id, ben.id], contactIds: [lead.id] });
    expect(first).toMatchObject({ added: 3, group: { id: g.id, memberCount: 3 } });
    const again = await addMembers(p.admin.token, g.id, { patientIds: [ana.id, ana.id], contactIds: [lead.id] });
    expect(again).toMatchObject({ added: 0, group: { memberCount: 3 } });

    const all = await call('GET', `/v1/groups/${g.id}/members`, { token: p.admin.token });
    expect(all.body.items).toHaveLength(3);
    expect(all.body.items).toEqual(
      expect.arrayContaining([
        { type: 'patient', id: ana.id, name: 'Ana Patient' },
        { type: 'patient', id: ben.id, name: 'Ben Patient' },
        { type: 'contact', id: lead.id, name: 'Cara Contact' },
      ]),
    );
    const page1 = await call('GET', `/v1/groups/${g.id}/members?limit=2`, { token: p.admin.token });
    const page2 = await call('GET', `/v1/groups/${g.id}/members?limit=2&cursor=${page1.body.nextCursor}`, { token: p.admin.token });
    expect([...page1.body.items, ...page2.body.items]).toEqual(all.body.items);
    expect((await call('GET', `/v1/contacts/${lead.id}`, { token: p.admin.token })).body.groupIds).toEqual([g.id]);
  });

  it('unknown patients, contacts or groups are 404 and add nobody; an empty body is 400', async () => {
    const p = await newPractice();
    const g = await group(p.admin.token);
    const ana = await p.patient();
    expectProblem(await call('POST', `/v1/groups/${g.id}/members`, { token: p.admin.token, body: { patientIds: [ana.id, '01NOSUCH'] } }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/groups/${g.id}/members`, { token: p.admin.token, body: { contactIds: ['01NOSUCH'] } }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/groups/01NOSUCH/members', { token: p.admin.token, body: { patientIds: [ana.id] } }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/groups/${g.id}/members`, { token: p.admin.token, body: {} }), 400, 'validation_failed');
    expect((await call('GET', `/v1/groups/${g.id}/members`, { token: p.admin.token })).body.items).toEqual([]);
    // Another practice's patient is unknown here.
    const other = await newPractice();
    const foreign = await other.patient();
    expectProblem(await call('POST', `/v1/groups/${g.id}/members`, { token: p.admin.token, body: { patientIds: [foreign.id] } }), 404, 'not_found');
  });
});

describe('Chat settings: groups', () => {
  it("a group's chat turns a member's direct messaging off (source group), and staff then get 422 chat_disabled", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages']);
    const patient = await p.patient({ name: 'Grouped Patient' });
    const outsider = await p.patient();
    const g = await group(p.admin.token);
    await addMembers(p.admin.token, g.id, { patientIds: [patient.id] });
    expect((await effective(p, patient)).directMessaging).toEqual({ value: true, source: 'practice' });

    const res = await call('PATCH', `/v1/groups/${g.id}/chat`, { token: p.admin.token, body: { directMessaging: false } });
    expect(res.status).toBe(200);
    expect(res.body.chat).toEqual({ directMessaging: false });
    expect(await effective(p, patient)).toEqual({
      directMessaging: { value: false, source: 'group' },
      communityChat: { value: true, source: 'practice' },
      emailNotifications: { value: true, source: 'practice' },
    });
    const refused = await startDirect(receptionist.token, patient);
    expectProblem(refused, 422, 'chat_disabled');
    expect(refused.body.detail).toBe('Chat is unavailable for Grouped Patient');
    // Someone outside the group is not affected.
    expect((await startDirect(receptionist.token, outsider)).status).toBe(201);

    // null removes the group's value: the member falls back to the practice default.
    const cleared = await call('PATCH', `/v1/groups/${g.id}/chat`, { token: p.admin.token, body: { directMessaging: null } });
    expect(cleared.body.chat).toBeNull();
    expect((await effective(p, patient)).directMessaging).toEqual({ value: true, source: 'practice' });
    expect((await startDirect(receptionist.token, patient)).status).toBe(201);
  });

  it('the most restrictive of several groups applies; a group saying nothing does not count', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    const open = await group(p.admin.token);
    const closed = await group(p.admin.token);
    const silent = await group(p.admin.token);
    for (const g of [open, closed, silent]) await addMembers(p.admin.token, g.id, { patientIds: [patient.id] });
    await call('PATCH', `/v1/groups/${open.id}/chat`, { token: p.admin.token, body: { directMessaging: true, communityChat: true } });
    await call('PATCH', `/v1/groups/${closed.id}/chat`, { token: p.admin.token, body: { communityChat: false } });
    expect(await effective(p, patient)).toEqual({
      directMessaging: { value: true, source: 'group' },
      communityChat: { value: false, source: 'group' },
      emailNotifications: { value: true, source: 'practice' },
    });
  });

  it("the patient's own setting wins over their groups", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages']);
    const patient = await p.patient();
    const g = await group(p.admin.token);
    await addMembers(p.admin.token, g.id, { patientIds: [patient.id] });
    await call('PATCH', `/v1/groups/${g.id}/chat`, { token: p.admin.token, body: { directMessaging: false } });
    expectProblem(await startDirect(receptionist.token, patient), 422, 'chat_disabled');
    const own = await call('PATCH', `/v1/patients/${patient.id}`, {
      token: p.admin.token,
      body: { chat: { directMessaging: true, communityChat: true } },
    });
    expect(own.body.effectiveChat.directMessaging).toEqual({ value: true, source: 'patient' });
    expect((await startDirect(receptionist.token, patient)).status).toBe(201);
  });

  it('refuses an empty or unknown change and another role without manage_contacts', async () => {
    const p = await newPractice();
    const g = await group(p.admin.token);
    expectProblem(await call('PATCH', `/v1/groups/${g.id}/chat`, { token: p.admin.token, body: {} }), 400, 'validation_failed');
    expectProblem(await call('PATCH', `/v1/groups/${g.id}/chat`, { token: p.admin.token, body: { video: true } }), 400, 'validation_failed');
    expectProblem(await call('PATCH', '/v1/groups/01NOSUCH/chat', { token: p.admin.token, body: { directMessaging: false } }), 404, 'not_found');
    const biller = await p.staff('biller', ['send_messages']);
    expectProblem(await call('PATCH', `/v1/groups/${g.id}/chat`, { token: biller.token, body: { directMessaging: false } }), 403, 'forbidden');
  });
});

describe('Chat settings: the practice default', () => {
  it('starts on; only an admin changes it; staff read it', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const initial = await call('GET', '/v1/settings/chat', { token: receptionist.token });
    expect(initial.body).toEqual({ directMessaging: true, communityChat: true, emailNotifications: true, changes: [], updatedAt: null });
    const body = { directMessaging: false, communityChat: true, applyTo: 'all' };
    expectProblem(await call('PATCH', '/v1/settings/chat', { token: receptionist.token, body }), 403, 'forbidden');
    const patient = await p.patient();
    expectProblem(await call('GET', '/v1/settings/chat', { token: patient.token }), 403, 'forbidden');
    expectProblem(await call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { directMessaging: false } }), 400, 'validation_failed');
    expectProblem(
      await call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { ...body, applyTo: 'some' } }),
      400,
      'validation_failed',
    );
  });

  it('applyTo "new" affects patients created from now on; earlier patients keep what they had', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages']);
    const before = await p.patient();
    await after(before.body.createdAt);
    const res = await call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { directMessaging: false, communityChat: true, applyTo: 'new' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ directMessaging: false, communityChat: true, changes: [{ directMessaging: false, communityChat: true, applyTo: 'new' }] });
    await after(res.body.updatedAt);
    const later = await p.patient();

    expect(later.body.effectiveChat.directMessaging).toEqual({ value: false, source: 'practice' });
    expect((await effective(p, later)).directMessaging).toEqual({ value: false, source: 'practice' });
    expect((await effective(p, before)).directMessaging).toEqual({ value: true, source: 'practice' });
    expectProblem(await startDirect(receptionist.token, later), 422, 'chat_disabled');
    expect((await startDirect(receptionist.token, before)).status).toBe(201);
  });

  it('applyTo "all" affects every patient without a setting of their own, and drops the history before it', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages']);
    const plain = await p.patient();
    const ownSetting = await p.patient({ chat: { directMessaging: true, communityChat: true } });
    await after(ownSetting.body.createdAt);
    await call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { directMessaging: true, communityChat: false, applyTo: 'new' } });
    const all = await call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { directMessaging: false, communityChat: false, applyTo: 'all' } });
    // emailNotifications left out: the change records the value in force (on).
    expect(all.body.changes).toEqual([{ directMessaging: false, communityChat: false, emailNotifications: true, applyTo: 'all', at: expect.any(String) }]);

    expect(await effective(p, plain)).toEqual({
      directMessaging: { value: false, source: 'practice' },
      communityChat: { value: false, source: 'practice' },
      emailNotifications: { value: true, source: 'practice' },
    });
    expect((await effective(p, ownSetting)).directMessaging).toEqual({ value: true, source: 'patient' });
    expectProblem(await startDirect(receptionist.token, plain), 422, 'chat_disabled');
    expect((await startDirect(receptionist.token, ownSetting)).status).toBe(201);

    // A group that allows direct messaging is more specific than the practice default.
    const g = await group(p.admin.token);
    await addMembers(p.admin.token, g.id, { patientIds: [plain.id] });
    await call('PATCH', `/v1/groups/${g.id}/chat`, { token: p.admin.token, body: { directMessaging: true } });
    expect((await effective(p, plain)).directMessaging).toEqual({ value: true, source: 'group' });
    expect((await startDirect(receptionist.token, plain)).status).toBe(201);
  });

  it('the practice settings document is unchanged by chat history', async () => {
    const p = await newPractice();
    await call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { directMessaging: false, communityChat: true, applyTo: 'new' } });
    const settings = await call('GET', '/v1/settings/practice', { token: p.admin.token });
    expect(settings.body).not.toHaveProperty('chatChanges');
    expect(settings.body).toMatchObject({ defaultRegion: 'US' });
  });
});
