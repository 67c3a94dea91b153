import { describe, expect, it } from 'vitest';
import { type ApiResponse, call, expectProblem, newPractice } from './api-client.js';
import { after, contact, group, manager, succeeded } from './fixtures.js';

async function list(token: string, query: Record<string, string>): Promise<ApiResponse> {
  return call('GET', `/v1/contacts?${new URLSearchParams(query).toString()}`, { token });
}
const names = (res: ApiResponse): string[] => res.body.items.map((c: { name: string }) => c.name).sort();

async function activeBlocksOf(token: string, contactId: string): Promise<any[]> {
  return (await succeeded('blocks', call('GET', `/v1/blocks?contactId=${contactId}`, { token }), 200)).items;
}

describe('Contacts: permissions', () => {
  it('a receptionist without manage_contacts gets 403 on every contact and group route; with it, 201', async () => {
    const p = await newPractice();
    const plain = await p.staff('receptionist', ['send_messages']);
    const allowed = await manager(p);
    const existing = await contact(allowed.token, { name: 'Lead One' });
    const g = await group(allowed.token);
    const refused: [string, string, unknown?][] = [
      ['POST', '/v1/contacts', { name: 'X' }],
      ['GET', '/v1/contacts'],
      ['GET', `/v1/contacts/${existing.id}`],
      ['PATCH', `/v1/contacts/${existing.id}`, { name: 'Y' }],
      ['POST', '/v1/contacts/block', { contactIds: [existing.id] }],
      ['POST', `/v1/contacts/${existing.id}/unblock`],
      ['GET', `/v1/contacts/${existing.id}/history`],
      ['POST', '/v1/groups', { name: 'G' }],
      ['GET', '/v1/groups'],
      ['GET', `/v1/groups/${g.id}`],
      ['POST', `/v1/groups/${g.id}/members`, { contactIds: [existing.id] }],
      ['GET', `/v1/groups/${g.id}/members`],
      ['PATCH', `/v1/groups/${g.id}/chat`, { directMessaging: false }],
    ];
    for (const [method, path, body] of refused) {
      expectProblem(await call(method, path, { token: plain.token, ...(body ? { body } : {}) }), 403, 'forbidden');
    }
    const patient = await p.patient();
    expectProblem(await call('GET', '/v1/contacts', { token: patient.token }), 403, 'forbidden');
    expect((await call('POST', '/v1/contacts', { token: allowed.token, body: { name: 'Lead Two' } })).status).toBe(201);
    expect((await call('POST', '/v1/contacts', { token: p.admin.token, body: { name: 'Lead Three' } })).status).toBe(201);
  });

  it("another practice's contact is 404, never 403", async () => {
    const p = await newPractice();
    const other = await newPractice();
    const c = await contact(p.admin.token, { name: 'Mine' });
    expectProblem(await call('GET', `/v1/contacts/${c.id}`, { token: other.admin.token }), 404, 'not_found');
    expectProblem(await call('PATCH', `/v1/contacts/${c.id}`, { token: other.admin.token, body: { name: 'Theirs' } }), 404, 'not_found');
  });
});

describe('Contacts: creating and reading', () => {
  it('answers 201 with the contact: lower-cased email, E.164 phones read with the practice region, status active', async () => {
    const p = await newPractice();
    await call('PATCH', '/v1/settings/practice', { token: p.admin.token, body: { defaultRegion: 'GB' } });
    const m = await manager(p);
    const res = await call('POST', '/v1/contacts', {
      token: m.token,
      body: { name: 'Dana Lead', email: '  Dana@Leads.EXAMPLE ', primaryPhone: '07700 900123', secondaryPhone: '+44 20 7946 0018', category: 'lead' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Dana Lead',
      email: 'dana@leads.example',
      primaryPhone: '+447700900123',
      secondaryPhone: '+442079460018',
      category: 'lead',
      groupIds: [],
      status: 'active',
      blockReason: null,
      blockedAt: null,
      blockIds: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await call('GET', `/v1/contacts/${res.body.id}`, { token: m.token })).body).toEqual(res.body);
  });

  it('lists every invalid field at once, and refuses a block reason without status blocked', async () => {
    const p = await newPractice();
    const bad = await call('POST', '/v1/contacts', {
      token: p.admin.token,
      body: { email: 'nope', primaryPhone: '12', status: 'gone', colour: 'red' },
    });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['colour', 'email', 'name', 'primaryPhone', 'status']);
    expectProblem(await call('POST', '/v1/contacts', { token: p.admin.token, body: { name: 'X', blockReason: 'why' } }), 400, 'validation_failed');
  });

  it('an unknown group is 404; known groups are joined at creation', async () => {
    const p = await newPractice();
    expectProblem(await call('POST', '/v1/contacts', { token: p.admin.token, body: { name: 'X', groupIds: ['01NOSUCHGROUP'] } }), 404, 'not_found');
    const g = await group(p.admin.token);
    const c = await contact(p.admin.token, { name: 'Joiner', groupIds: [g.id] });
    expect(c.groupIds).toEqual([g.id]);
    const members = await call('GET', `/v1/groups/${g.id}/members`, { token: p.admin.token });
    expect(members.body.items).toEqual([{ type: 'contact', id: c.id, name: 'Joiner' }]);
    expect((await call('GET', `/v1/groups/${g.id}`, { token: p.admin.token })).body.memberCount).toBe(1);
  });

  it('a block of an address a contact has is linked to that contact (address-owner index)', async () => {
    const p = await newPractice();
    const c = await contact(p.admin.token, { name: 'Owner', email: 'owner@example.com' });
    const block = await call('POST', '/v1/blocks', { token: p.admin.token, body: { type: 'email', value: 'OWNER@example.com' } });
    expect(block.status).toBe(201);
    expect(block.body.contact).toEqual({ id: c.id, name: 'Owner' });
    expect((await activeBlocksOf(p.admin.token, c.id)).map((b) => b.id)).toEqual([block.body.id]);
  });
});

describe('Contacts: blocking', () => {
  it('creating a contact as blocked blocks every address at once, linked to the contact', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const c = await contact(m.token, {
      name: 'Spammer',
      email: 'spam@example.com',
      primaryPhone: '(202) 555-0143',
      secondaryPhone: '+1 202 555 0143', // the same number: one block
      status: 'blocked',
      blockReason: 'Unsolicited offers',
    });
    expect(c).toMatchObject({ status: 'blocked', blockReason: 'Unsolicited offers', blockedAt: expect.any(String) });
    expect(c.blockIds).toHaveLength(2);
    const blocks = await activeBlocksOf(m.token, c.id);
    expect(blocks.map((b) => `${b.type}:${b.value}`).sort()).toEqual(['email:spam@example.com', 'phone:+12025550143']);
    for (const b of blocks) {
      expect(b).toMatchObject({ reason: 'Unsolicited offers', contact: { id: c.id, name: 'Spammer' }, status: 'active' });
      expect(c.blockIds).toContain(b.id);
    }
    const again = await call('POST', '/v1/blocks', { token: m.token, body: { type: 'phone', value: '2025550143' } });
    expectProblem(again, 409, 'already_blocked');
    expect(c.blockIds).toContain(again.body.existingBlockId);
  });

  it('an address that was already blocked keeps its existing block', async () => {
    const p = await newPractice();
    const earlier = await call('POST', '/v1/blocks', { token: p.admin.token, body: { type: 'email', value: 'known@example.com' } });
    const c = await contact(p.admin.token, { name: 'Known', email: 'known@example.com', status: 'blocked' });
    expect(c.blockIds).toEqual([earlier.body.id]);
  });

  it('bulk block answers an outcome per contact; blocking again reports already_blocked', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const a = await contact(m.token, { name: 'Bulk A', email: 'a@bulk.example' });
    const b = await contact(m.token, { name: 'Bulk B', primaryPhone: '+12025550101' });
    const res = await call('POST', '/v1/contacts/block', { token: m.token, body: { contactIds: [a.id, b.id, '01NOSUCHCONTACT'], reason: 'Campaign spam' } });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { contactId: a.id, status: 'blocked', blockIds: [expect.any(String)] },
      { contactId: b.id, status: 'blocked', blockIds: [expect.any(String)] },
      { contactId: '01NOSUCHCONTACT', status: 'not_found', blockIds: [] },
    ]);
    const readA = (await call('GET', `/v1/contacts/${a.id}`, { token: m.token })).body;
    expect(readA).toMatchObject({ status: 'blocked', blockReason: 'Campaign spam', blockIds: res.body.items[0].blockIds });
    expect((await activeBlocksOf(m.token, b.id))[0]).toMatchObject({ type: 'phone', value: '+12025550101', reason: 'Campaign spam' });

    const again = await call('POST', '/v1/contacts/block', { token: m.token, body: { contactIds: [a.id] } });
    expect(again.body.items).toEqual([{ contactId: a.id, status: 'already_blocked', blockIds: res.body.items[0].blockIds }]);
    expectProblem(await call('POST', '/v1/contacts/block', { token: m.token, body: { contactIds: [] } }), 400, 'validation_failed');
  });

  it('unblock lifts every block of the contact, sets it back to active and keeps its groups', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const g = await group(m.token);
    const c = await contact(m.token, { name: 'Forgiven', email: 'forgiven@example.com', primaryPhone: '+12025550102', groupIds: [g.id], status: 'blocked' });
    const res = await call('POST', `/v1/contacts/${c.id}/unblock`, { token: m.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', blockReason: null, blockedAt: null, blockIds: [], groupIds: [g.id] });
    expect(await activeBlocksOf(m.token, c.id)).toEqual([]);
    for (const id of c.blockIds) expect((await call('GET', `/v1/blocks/${id}`, { token: m.token })).body.status).toBe('unblocked');
    // The address can be blocked anew at once; the group still holds the contact.
    expect((await call('POST', '/v1/blocks', { token: m.token, body: { type: 'email', value: 'forgiven@example.com' } })).status).toBe(201);
    const members = await call('GET', `/v1/groups/${g.id}/members`, { token: m.token });
    expect(members.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
  });

  it('a changed address of a blocked contact is blocked in place of the old one', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const c = await contact(m.token, { name: 'Mover', email: 'old@example.com', primaryPhone: '+12025550103', status: 'blocked', blockReason: 'Harassment' });
    const [oldEmailBlock] = (await activeBlocksOf(m.token, c.id)).filter((b) => b.type === 'email');
    // A patient who shares the old address: messages to it are held while it is blocked.
    const sender = await p.staff('provider', ['send_messages']);
    const sharer = await p.patient({ email: 'old@example.com' });
    const emailTo = () =>
      call('POST', '/v1/conversations', {
        token: sender.token,
        body: { channel: 'email', subject: 'Results', participants: [{ type: 'patient', id: sharer.id }], body: 'Your results are ready.' },
      });
    const held = await emailTo();
    expect(held.body.message.deliveries.map((d: { status: string }) => d.status)).toEqual(['blocked']);

    const res = await call('PATCH', `/v1/contacts/${c.id}`, { token: m.token, body: { email: 'New@Example.com', name: 'Mover Renamed' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'blocked', email: 'new@example.com', blockReason: 'Harassment', name: 'Mover Renamed' });

    const active = await activeBlocksOf(m.token, c.id);
    expect(active.map((b) => `${b.type}:${b.value}`).sort()).toEqual(['email:new@example.com', 'phone:+12025550103']);
    expect(active.find((b) => b.type === 'email')).toMatchObject({ reason: 'Harassment' });
    expect(res.body.blockIds.sort()).toEqual(active.map((b) => b.id).sort());
    expect((await call('GET', `/v1/blocks/${oldEmailBlock.id}`, { token: m.token })).body.status).toBe('unblocked');

    // The old address is free again: it can be messaged, and blocked anew; the new one is blocked.
    const sent = await call('POST', `/v1/conversations/${held.body.conversation.id}/messages`, { token: sender.token, body: { body: 'Resending.' } });
    expect(sent.status).toBe(201);
    expect(sent.body.deliveries.map((d: { status: string }) => d.status)).toEqual(['queued']);
    expect((await call('POST', '/v1/blocks', { token: m.token, body: { type: 'email', value: 'old@example.com' } })).status).toBe(201);
    expectProblem(await call('POST', '/v1/blocks', { token: m.token, body: { type: 'email', value: 'new@example.com' } }), 409, 'already_blocked');

    // Removing an address lifts its block too; the status of a blocked contact is not PATCHed.
    const removed = await call('PATCH', `/v1/contacts/${c.id}`, { token: m.token, body: { primaryPhone: null } });
    expect(removed.body.primaryPhone).toBeNull();
    expect((await activeBlocksOf(m.token, c.id)).map((b) => b.type)).toEqual(['email']);
    expectProblem(await call('PATCH', `/v1/contacts/${c.id}`, { token: m.token, body: { status: 'active' } }), 409, 'contact_blocked');
  });

  it('an address change of a contact that is not blocked blocks nothing', async () => {
    const p = await newPractice();
    const c = await contact(p.admin.token, { name: 'Calm', email: 'calm@example.com' });
    const res = await call('PATCH', `/v1/contacts/${c.id}`, { token: p.admin.token, body: { email: 'calmer@example.com', status: 'archived', category: 'vendor' } });
    expect(res.body).toMatchObject({ email: 'calmer@example.com', status: 'archived', category: 'vendor', blockIds: [] });
    expect(await activeBlocksOf(p.admin.token, c.id)).toEqual([]);
  });
});

describe('Contacts: search and filters', () => {
  it('q finds contacts by a name word, phone or email prefix', async () => {
    const p = await newPractice();
    const m = await manager(p);
    await contact(m.token, { name: 'Maria Gonzalez', email: 'maria.g@leads.example', primaryPhone: '(415) 555-2671' });
    await contact(m.token, { name: 'Mark Otto', secondaryPhone: '+1 212 555 0199' });
    await contact(m.token, { name: 'Zed Zimmer', email: 'zed@vendors.example' });
    expect(names(await list(m.token, { q: 'mar' }))).toEqual(['Maria Gonzalez', 'Mark Otto']);
    expect(names(await list(m.token, { q: 'gonz' }))).toEqual(['Maria Gonzalez']);
    expect(names(await list(m.token, { q: '(415) 555' }))).toEqual(['Maria Gonzalez']);
    expect(names(await list(m.token, { q: '+1212' }))).toEqual(['Mark Otto']);
    expect(names(await list(m.token, { q: 'zed@v' }))).toEqual(['Zed Zimmer']);
    expect(names(await list(m.token, { q: 'nobody' }))).toEqual([]);
    const other = await newPractice();
    expect(names(await list(other.admin.token, { q: 'mar' }))).toEqual([]);
  });

  it('filters by status, category (any case), group and blocking date, alone and combined', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const g = await group(m.token);
    await contact(m.token, { name: 'Active Lead', category: 'Lead', groupIds: [g.id] });
    await contact(m.token, { name: 'Archived Lead', category: 'lead', status: 'archived' });
    const vendor = await contact(m.token, { name: 'Blocked Vendor', category: 'vendor', email: 'bv@example.com', status: 'blocked', groupIds: [g.id] });
    await contact(m.token, { name: 'Plain' });

    expect(names(await list(m.token, { status: 'archived' }))).toEqual(['Archived Lead']);
    expect(names(await list(m.token, { status: 'active' }))).toEqual(['Active Lead', 'Plain']);
    expect(names(await list(m.token, { category: 'LEAD' }))).toEqual(['Active Lead', 'Archived Lead']);
    expect(names(await list(m.token, { category: 'lead', status: 'active' }))).toEqual(['Active Lead']);
    expect(names(await list(m.token, { groupId: g.id }))).toEqual(['Active Lead', 'Blocked Vendor']);
    expect(names(await list(m.token, { groupId: g.id, status: 'blocked' }))).toEqual(['Blocked Vendor']);
    expect(names(await list(m.token, { q: 'lead', status: 'archived' }))).toEqual(['Archived Lead']);

    const today = new Date().toISOString().slice(0, 10);
    expect(names(await list(m.token, { blockedFrom: today }))).toEqual(['Blocked Vendor']);
    expect(names(await list(m.token, { blockedFrom: today, blockedTo: today, category: 'vendor' }))).toEqual(['Blocked Vendor']);
    expect(names(await list(m.token, { blockedTo: '2020-01-01' }))).toEqual([]);
    expectProblem(await list(m.token, { blockedFrom: today, status: 'active' }), 400, 'validation_failed');
    // A time with an offset is that instant.
    const inParis = (ms: number) => new Date(ms + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    expect(names(await list(m.token, { blockedFrom: inParis(Date.parse(vendor.blockedAt)) }))).toEqual(['Blocked Vendor']);
    expect(names(await list(m.token, { blockedFrom: inParis(Date.parse(vendor.blockedAt) + 1) }))).toEqual([]);
    const bads: Record<string, string>[] = [{ blockedFrom: '2026-13-45' }, { blockedTo: 'soon' }, { blockedFrom: '2026-02-01', blockedTo: '2026-01-01' }];
    for (const bad of bads) {
      const res = await list(m.token, bad);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(Object.keys(bad)[0]);
    }
    expectProblem(await list(m.token, { status: 'gone' }), 400, 'validation_failed');
  });

  it('lists by name with a cursor', async () => {
    const p = await newPractice();
    for (const name of ['Charlie', 'alice', 'Bob']) await contact(p.admin.token, { name });
    const first = await list(p.admin.token, { limit: '2' });
    expect(first.body.items.map((c: { name: string }) => c.name)).toEqual(['alice', 'Bob']);
    const second = await list(p.admin.token, { limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items.map((c: { name: string }) => c.name)).toEqual(['Charlie']);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('Contacts: history', () => {
  it("shows the contact's block events newest first, kept after unblock, with a cursor", async () => {
    const p = await newPractice();
    const m = await manager(p);
    const c = await contact(m.token, { name: 'Storied', email: 'storied@example.com', status: 'blocked', blockReason: 'Spam' });
    await after(c.updatedAt);
    const moved = await call('PATCH', `/v1/contacts/${c.id}`, { token: m.token, body: { email: 'storied2@example.com' } });
    await after(moved.body.updatedAt);
    await call('POST', `/v1/contacts/${c.id}/unblock`, { token: m.token });

    const res = await call('GET', `/v1/contacts/${c.id}/history`, { token: m.token });
    expect(res.status).toBe(200);
    const items = res.body.items as any[];
    expect(items.map((e) => e.action)).toEqual(['unblocked', 'unblocked', 'blocked', 'blocked']);
    expect(items.every((e) => e.kind === 'block_event')).toBe(true);
    const sortedDesc = [...items].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    expect(items.map((e) => e.at)).toEqual(sortedDesc.map((e) => e.at));
    expect(items[items.length - 1]).toMatchObject({ blockId: c.blockIds[0], action: 'blocked', by: { id: m.id }, changes: { reason: { from: null, to: 'Spam' } } });

    const page1 = await call('GET', `/v1/contacts/${c.id}/history?limit=3`, { token: m.token });
    expect(page1.body.items).toHaveLength(3);
    const page2 = await call('GET', `/v1/contacts/${c.id}/history?limit=3&cursor=${page1.body.nextCursor}`, { token: m.token });
    expect([...page1.body.items, ...page2.body.items]).toEqual(items);
    expect(page2.body.nextCursor).toBeNull();
    expectProblem(await call('GET', `/v1/contacts/${c.id}/history?cursor=garbage`, { token: m.token }), 400, 'validation_failed');
  });

  it('a contact never blocked has an empty history; an unknown contact is 404', async () => {
    const p = await newPractice();
    const c = await contact(p.admin.token, { name: 'Quiet' });
    expect((await call('GET', `/v1/contacts/${c.id}/history`, { token: p.admin.token })).body).toEqual({ items: [], nextCursor: null });
    expectProblem(await call('GET', '/v1/contacts/01NOSUCH/history', { token: p.admin.token }), 404, 'not_found');
  });
});
