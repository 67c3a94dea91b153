/** Issue 14 (contacts, blocks and broadcasts): what a practice's developer found against the contract. */
import { describe, expect, it } from 'vitest';
import { call, eventually, newPractice, outbox } from './api-client.js';
import { blocked, contact, freshPhone, manager, succeeded, unblock } from './fixtures.js';

describe('Broadcasts: everyone left out is counted', () => {
  it('an archived contact in the audience is not sent to and is counted in excluded.archived', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const [livePhone, archivedPhone] = [freshPhone(), freshPhone()];
    const live = await contact(staff.token, { name: 'Live Lead', primaryPhone: livePhone });
    const gone = await contact(staff.token, { name: 'Gone Lead', primaryPhone: archivedPhone });
    await succeeded('archive', call('PATCH', `/v1/contacts/${gone.id}`, { token: staff.token, body: { status: 'archived' } }), 200);

    const res = await succeeded(
      'broadcast',
      call('POST', '/v1/broadcasts', { token: staff.token, body: { channel: 'sms', body: 'Open day on Saturday', audience: { contactIds: [live.id, gone.id] } } }),
      202,
    );
    // 202 at once; the audience is resolved in the background (API.md, Broadcasts).
    expect(res).toEqual({ id: expect.any(String), status: 'preparing' });
    const done = await eventually('the broadcast to finish', () => call('GET', `/v1/broadcasts/${res.id}`, { token: staff.token }), (r) => r.body.status === 'done');
    expect(done.body.recipients).toBe(1);
    expect(done.body.excluded).toEqual({ blocked: 0, chatDisabled: 0, noAddress: 0, optedOut: 0, archived: 1 });
    expect(await outbox('sms', livePhone)).toHaveLength(1);
    expect(await outbox('sms', archivedPhone)).toHaveLength(0);
  });
});

describe('Directory: what a patient sees of staff-only fields', () => {
  it('a patient reading their own record gets no blockedContacts reminder; staff still do', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const phone = freshPhone();
    const patient = await p.patient({ phone });
    await succeeded('block', call('POST', '/v1/blocks', { token: m.token, body: { type: 'phone', value: phone, patientId: patient.id } }), 201);
    const own = await succeeded('own record', call('GET', `/v1/patients/${patient.id}`, { token: patient.token }), 200);
    expect(own).not.toHaveProperty('blockedContacts');
    expect(own).toMatchObject({ id: patient.id, phone });
    const staffView = await succeeded('staff read', call('GET', `/v1/patients/${patient.id}`, { token: m.token }), 200);
    expect(staffView.blockedContacts).toEqual([{ blockId: expect.any(String), type: 'phone', value: phone }]);
  });

  it('a patient listing or reading staff sees no permissions field; staff and admins see them', async () => {
    const p = await newPractice();
    const holder = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const patient = await p.patient();
    const seen = await succeeded('staff list', call('GET', '/v1/staff', { token: patient.token }), 200);
    const listed = seen.items.find((s: { id: string }) => s.id === holder.id);
    expect(listed).toMatchObject({ id: holder.id, role: 'receptionist' });
    expect(listed).not.toHaveProperty('permissions');
    expect(await succeeded('staff read', call('GET', `/v1/staff/${holder.id}`, { token: patient.token }), 200)).not.toHaveProperty('permissions');
    const byAdmin = await succeeded('admin read', call('GET', `/v1/staff/${holder.id}`, { token: p.admin.token }), 200);
    expect(byAdmin.permissions).toEqual(['send_messages', 'manage_contacts']);
  });
});

describe("Contacts: a contact's status follows its blocks, whichever route", () => {
  const read = (token: string, id: string) => succeeded('contact', call('GET', `/v1/contacts/${id}`, { token }), 200);
  const history = async (token: string, id: string) =>
    (await succeeded('history', call('GET', `/v1/contacts/${id}/history`, { token }), 200)).items.filter((i: { kind: string }) => i.kind === 'block_event');

  it('DELETE /v1/blocks/{id} of the only block of a contact created as blocked makes it active', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const c = await contact(m.token, { name: 'Once Blocked', email: 'once.blocked@example.com', status: 'blocked', blockReason: 'Spam' });
    expect(c.blockIds).toHaveLength(1);
    await unblock(m.token, c.blockIds[0]);
    const now = await read(m.token, c.id);
    expect(now).toMatchObject({ status: 'active', blockIds: [], blockReason: null, blockedAt: null });
    expect((await history(m.token, c.id)).map((e: { action: string }) => e.action)).toEqual(['unblocked', 'blocked']);
    const listed = await succeeded('list', call('GET', '/v1/contacts?status=active', { token: m.token }), 200);
    expect(listed.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
  });

  it('a contact with two blocked addresses stays blocked until the last block is lifted', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const c = await contact(m.token, { name: 'Two Ways', email: 'two.ways@example.com', primaryPhone: freshPhone(), status: 'blocked' });
    expect(c.blockIds).toHaveLength(2);
    await unblock(m.token, c.blockIds[0]);
    expect(await read(m.token, c.id)).toMatchObject({ status: 'blocked', blockIds: [c.blockIds[1]] });
    await unblock(m.token, c.blockIds[1]);
    expect(await read(m.token, c.id)).toMatchObject({ status: 'active', blockIds: [] });
  });

  it("POST /v1/blocks of an active contact's address makes it blocked, linked to the block and in its history", async () => {
    const p = await newPractice();
    const m = await manager(p);
    const phone = freshPhone();
    const c = await contact(m.token, { name: 'Soon Blocked', email: 'soon.blocked@example.com', primaryPhone: phone });
    expect(c.status).toBe('active');
    const b = await blocked(m.token, { type: 'phone', value: phone, reason: 'Abusive calls' });
    const now = await read(m.token, c.id);
    expect(now).toMatchObject({ status: 'blocked', blockIds: [b.id], blockReason: 'Abusive calls', blockedAt: expect.any(String) });
    const blockedList = await succeeded('list', call('GET', '/v1/contacts?status=blocked', { token: m.token }), 200);
    expect(blockedList.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await history(m.token, c.id)).map((e: { blockId: string; action: string }) => [e.blockId, e.action])).toEqual([[b.id, 'blocked']]);

    // And back: lifting it makes the contact active again, the history keeps both events.
    await unblock(m.token, b.id);
    expect(await read(m.token, c.id)).toMatchObject({ status: 'active', blockIds: [] });
    expect((await history(m.token, c.id)).map((e: { action: string }) => e.action)).toEqual(['unblocked', 'blocked']);
  });

  it("a block of an address a patient and a contact share makes the contact blocked too", async () => {
    const p = await newPractice();
    const m = await manager(p);
    const email = 'shared.address@example.com';
    const patient = await p.patient({ email });
    const c = await contact(m.token, { name: 'Shares Address', email });
    const b = await succeeded('patient methods', call('POST', `/v1/patients/${patient.id}/blocks`, { token: m.token, body: { contactMethods: ['email'] } }), 201);
    const blockId = b.blocks[0].id;
    expect(await read(m.token, c.id)).toMatchObject({ status: 'blocked', blockIds: [blockId] });
  });
});

describe('Contacts: history has the messages', () => {
  it('two broadcasts to a contact and its block events, newest first, page by page', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const phone = freshPhone();
    const c = await contact(staff.token, { name: 'Broadcast Lead', primaryPhone: phone });
    const sent: string[] = [];
    for (const body of ['First newsletter', 'Second newsletter']) {
      const b = await succeeded('broadcast', call('POST', '/v1/broadcasts', { token: staff.token, body: { channel: 'sms', body, audience: { contactIds: [c.id] } } }), 202);
      await eventually('the broadcast to finish', () => call('GET', `/v1/broadcasts/${b.id}`, { token: staff.token }), (r) => r.body.status === 'done');
      sent.push(body);
    }
    expect(await outbox('sms', phone)).toHaveLength(2);
    const b = await blocked(staff.token, { type: 'phone', value: phone, reason: 'Asked to stop' });

    const all = await succeeded('history', call('GET', `/v1/contacts/${c.id}/history`, { token: staff.token }), 200);
    expect(all.items.map((i: { kind: string }) => i.kind)).toEqual(['block_event', 'message', 'message']);
    expect(all.items[0]).toMatchObject({ kind: 'block_event', blockId: b.id, action: 'blocked' });
    expect(all.items[1]).toMatchObject({ kind: 'message', channel: 'sms', direction: 'outbound', body: 'Second newsletter' });
    expect(all.items[2]).toMatchObject({ kind: 'message', channel: 'sms', direction: 'outbound', body: 'First newsletter' });
    expect(all.items[1].at >= all.items[2].at).toBe(true);
    expect(all.nextCursor).toBeNull();

    const page1 = await succeeded('page 1', call('GET', `/v1/contacts/${c.id}/history?limit=2`, { token: staff.token }), 200);
    expect(page1.items).toEqual(all.items.slice(0, 2));
    const page2 = await succeeded('page 2', call('GET', `/v1/contacts/${c.id}/history?limit=2&cursor=${page1.nextCursor}`, { token: staff.token }), 200);
    expect(page2.items).toEqual(all.items.slice(2));
    expect(page2.nextCursor).toBeNull();
  });
});
