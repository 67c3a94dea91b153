import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice } from './api-client.js';
import { BODY, pt, started } from './conversation-helpers.js';
import { after, blocked, errorPaths, manager, postBlock, type Practice, setRegionGB, succeeded } from './fixtures.js';

async function listIds(token: string, query = ''): Promise<string[]> {
  const body = await succeeded('list', call('GET', `/v1/blocks${query ? `?${query}` : ''}`, { token }), 200);
  return body.items.map((b: { id: string }) => b.id);
}

const dayOf = (iso: string) => iso.slice(0, 10);
const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('Blocks: creating a block', () => {
  it('answers 201 with the block: normalised email, reason, who blocked it and when, active; GET reads it back', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const res = await postBlock(m.token, { type: 'email', value: '  Spam.Sender@Example.COM ', reason: 'Abusive messages' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      type: 'email',
      value: 'spam.sender@example.com',
      reason: 'Abusive messages',
      hideExisting: false,
      blockedBy: { id: m.id, name: m.body.name },
      blockedAt: expect.any(String),
      updatedAt: res.body.blockedAt,
      status: 'active',
    });
    expect(Number.isNaN(Date.parse(res.body.blockedAt))).toBe(false);
    const read = await call('GET', `/v1/blocks/${res.body.id}`, { token: m.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('reason is null and hideExisting false when not given; hideExisting true is kept', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const plain = await blocked(m.token, { type: 'email', value: 'plain@example.com' });
    expect(plain).toMatchObject({ reason: null, hideExisting: false });
    const hiding = await blocked(m.token, { type: 'email', value: 'hiding@example.com', hideExisting: true });
    expect(hiding.hideExisting).toBe(true);
  });

  it('three spellings of one UK mobile are one block: the second and third answer 409 already_blocked naming the first', async () => {
    const p = await newPractice();
    await setRegionGB(p);
    const m = await manager(p);
    const first = await postBlock(m.token, { type: 'phone', value: '+44 7700 900123' });
    expect(first.status).toBe(201);
    expect(first.body.value).toBe('+447700900123');
    for (const spelling of ['07700900123', '+447700900123']) {
      const again = await postBlock(m.token, { type: 'phone', value: spelling });
      expectProblem(again, 409, 'already_blocked');
      expect(again.body.existingBlockId, spelling).toBe(first.body.id);
    }
    expect(await listIds(m.token)).toEqual([first.body.id]);
  });

  it('an email differing only in case and surrounding spaces is already blocked', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const first = await blocked(m.token, { type: 'email', value: 'casey@example.com' });
    const again = await postBlock(m.token, { type: 'email', value: ' CASEY@Example.Com  ' });
    expectProblem(again, 409, 'already_blocked');
    expect(again.body.existingBlockId).toBe(first.id);
  });

  it('reads a national phone number with the practice default region (US until changed)', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const us = await blocked(m.token, { type: 'phone', value: '(202) 555-0143' });
    expect(us.value).toBe('+12025550143');
    await setRegionGB(p);
    const uk = await blocked(m.token, { type: 'phone', value: '07700 900555' });
    expect(uk.value).toBe('+447700900555');
  });

  it('refuses an email or phone that is not one with 400 validation_failed naming value', async () => {
    const p = await newPractice();
    await setRegionGB(p);
    const m = await manager(p);
    for (const body of [
      { type: 'email', value: 'not-an-email' },
      { type: 'email', value: 'someone@' },
      { type: 'phone', value: '12' },
      { type: 'phone', value: 'call me maybe' },
    ]) {
      const res = await postBlock(m.token, body);
      expectProblem(res, 400, 'validation_failed');
      expect(errorPaths(res), body.value).toEqual(['value']);
    }
    expect(await listIds(m.token)).toEqual([]);
  });

  it('refuses an unknown type, a missing value and unknown fields, listing each', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const res = await postBlock(m.token, { type: 'fax', colour: 'red' });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res).sort()).toEqual(['colour', 'type', 'value']);
  });

  it('links the block to the patient who has the address (email, phone or WhatsApp) when patientId is omitted', async () => {
    const p = await newPractice();
    await setRegionGB(p);
    const m = await manager(p);
    const ann = await p.patient({ name: 'Ann Email', email: 'Ann.Email@Example.com' });
    const bob = await p.patient({ name: 'Bob Phone', phone: '07700 900200' });
    const cat = await p.patient({ name: 'Cat WhatsApp', whatsapp: '+44 7700 900300' });

    const byEmail = await blocked(m.token, { type: 'email', value: 'ANN.EMAIL@example.com' });
    expect(byEmail.patient).toEqual({ id: ann.id, name: 'Ann Email' });
    const byPhone = await blocked(m.token, { type: 'phone', value: '+44 7700 900200' });
    expect(byPhone.patient).toEqual({ id: bob.id, name: 'Bob Phone' });
    const byWhatsApp = await blocked(m.token, { type: 'phone', value: '07700900300' });
    expect(byWhatsApp.patient).toEqual({ id: cat.id, name: 'Cat WhatsApp' });

    const nobody = await blocked(m.token, { type: 'email', value: 'stranger@example.com' });
    expect(nobody).not.toHaveProperty('patient');
    expect((await call('GET', `/v1/blocks/${byPhone.id}`, { token: m.token })).body.patient).toEqual({ id: bob.id, name: 'Bob Phone' });
  });

  it('an explicit patientId links that patient; an unknown patientId is 404 and blocks nothing', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const dee = await p.patient({ name: 'Dee Explicit' });
    const linked = await blocked(m.token, { type: 'email', value: 'dee.old.address@example.com', patientId: dee.id });
    expect(linked.patient).toEqual({ id: dee.id, name: 'Dee Explicit' });

    const unknown = await postBlock(m.token, { type: 'email', value: 'ghost@example.com', patientId: ulid() });
    expectProblem(unknown, 404, 'not_found');
    expect(await listIds(m.token)).toEqual([linked.id]);
  });

  it('the same Idempotency-Key and body returns the first answer and blocks nothing new; another body is 409', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const headers = { 'idempotency-key': 'block-once-1' };
    const body = { type: 'email', value: 'once@example.com', reason: 'Spam' };
    const first = await postBlock(m.token, body, headers);
    const again = await postBlock(m.token, body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await listIds(m.token)).toEqual([first.body.id]);
    expectProblem(await postBlock(m.token, { ...body, value: 'twice@example.com' }, headers), 409, 'idempotency_key_reused');
  });
});

describe('Blocks: listing', () => {
  it('lists active blocks newest first, page by page', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const made: string[] = [];
    let last = '';
    for (const value of ['one@example.com', 'two@example.com', 'three@example.com']) {
      if (last) await after(last);
      const b = await blocked(m.token, { type: 'email', value });
      made.push(b.id);
      last = b.blockedAt;
    }
    const first = await call('GET', '/v1/blocks?limit=2', { token: m.token });
    expect(first.status).toBe(200);
    expect(first.body.items.map((b: { id: string }) => b.id)).toEqual([made[2], made[1]]);
    expect(first.body.items[0]).toMatchObject({ value: 'three@example.com', status: 'active', blockedBy: { id: m.id } });
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await call('GET', `/v1/blocks?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: m.token });
    expect(second.body.items.map((b: { id: string }) => b.id)).toEqual([made[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('an empty blocklist is an empty page', async () => {
    const p = await newPractice();
    const res = await call('GET', '/v1/blocks', { token: p.admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('filters by type', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const email = await blocked(m.token, { type: 'email', value: 'typed@example.com' });
    const phone = await blocked(m.token, { type: 'phone', value: '+12025550150' });
    expect(await listIds(m.token, 'type=email')).toEqual([email.id]);
    expect(await listIds(m.token, 'type=phone')).toEqual([phone.id]);
    expectProblem(await call('GET', '/v1/blocks?type=fax', { token: m.token }), 400, 'validation_failed');
  });

  it('filters by part of the address, whatever its case, with or without the leading plus', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const king = await blocked(m.token, { type: 'email', value: 'spam.king@example.com' });
    const other = await blocked(m.token, { type: 'email', value: 'other@mail.test' });
    const phone = await blocked(m.token, { type: 'phone', value: '+12025550143' });
    expect(await listIds(m.token, q({ q: 'KING' }))).toEqual([king.id]);
    expect(await listIds(m.token, q({ q: 'mail.test' }))).toEqual([other.id]);
    expect(await listIds(m.token, q({ q: '5550143' }))).toEqual([phone.id]);
    expect(await listIds(m.token, q({ q: '+1202' }))).toEqual([phone.id]);
    expect(await listIds(m.token, q({ q: 'example.com' }))).toEqual([king.id]);
    expect(await listIds(m.token, q({ q: 'nothing-like-it' }))).toEqual([]);
  });

  it('filters by patient', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const ann = await p.patient({ email: 'ann.filter@example.com', phone: '+12025550160' });
    const other = await p.patient({ email: 'other.filter@example.com' });
    const annEmail = await blocked(m.token, { type: 'email', value: 'ann.filter@example.com' });
    await after(annEmail.blockedAt);
    await blocked(m.token, { type: 'email', value: 'other.filter@example.com' });
    const annPhone = await blocked(m.token, { type: 'phone', value: '+12025550160' });
    expect(await listIds(m.token, q({ patientId: ann.id }))).toEqual([annPhone.id, annEmail.id]);
    expect(await listIds(m.token, q({ patientId: other.id }))).toHaveLength(1);
    expect(await listIds(m.token, q({ patientId: ulid() }))).toEqual([]);
  });

  it('filters by blocking time, both ends inclusive; a date as blockedTo takes in that whole day', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const a = await blocked(m.token, { type: 'email', value: 'early@example.com' });
    await after(a.blockedAt);
    const b = await blocked(m.token, { type: 'email', value: 'late@example.com' });
    expect(b.blockedAt > a.blockedAt).toBe(true);

    expect(await listIds(m.token, q({ blockedFrom: b.blockedAt }))).toEqual([b.id]);
    expect(await listIds(m.token, q({ blockedTo: a.blockedAt }))).toEqual([a.id]);
    expect(await listIds(m.token, q({ blockedFrom: a.blockedAt, blockedTo: b.blockedAt }))).toEqual([b.id, a.id]);
    expect(await listIds(m.token, q({ blockedTo: dayOf(b.blockedAt) }))).toEqual([b.id, a.id]);
    expect(await listIds(m.token, q({ blockedFrom: dayOf(a.blockedAt) }))).toEqual([b.id, a.id]);
    expect(await listIds(m.token, q({ blockedTo: shiftDay(dayOf(a.blockedAt), -1) }))).toEqual([]);
    expect(await listIds(m.token, q({ blockedFrom: shiftDay(dayOf(b.blockedAt), 1) }))).toEqual([]);
  });

  it('combines filters', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const pat = await p.patient({ email: 'combo@example.com', phone: '+12025550170' });
    await blocked(m.token, { type: 'email', value: 'combo@example.com' });
    const phone = await blocked(m.token, { type: 'phone', value: '+12025550170' });
    await blocked(m.token, { type: 'phone', value: '+12025550171' });
    expect(await listIds(m.token, q({ patientId: pat.id, type: 'phone' }))).toEqual([phone.id]);
    expect(await listIds(m.token, q({ type: 'phone', q: '0170', blockedTo: dayOf(phone.blockedAt) }))).toEqual([phone.id]);
  });

  it('refuses a blockedFrom or blockedTo that is not an ISO date or time', async () => {
    const p = await newPractice();
    const m = await manager(p);
    await blocked(m.token, { type: 'email', value: 'dated@example.com' });
    for (const [name, value] of [
      ['blockedFrom', 'yesterday'],
      ['blockedTo', 'soon'],
      ['blockedFrom', '2026-13-45'],
    ]) {
      const res = await call('GET', `/v1/blocks?${q({ [name as string]: value as string })}`, { token: m.token });
      expectProblem(res, 400, 'validation_failed');
      expect(errorPaths(res), `${name}=${value}`).toContain(name);
    }
  });

  it('a blockedFrom time with a UTC offset is read as that instant or refused, never misread', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const a = await blocked(m.token, { type: 'email', value: 'offset.a@example.com' });
    await after(a.blockedAt);
    const b = await blocked(m.token, { type: 'email', value: 'offset.b@example.com' });
    // b's instant written in +02:00: the same moment, so b is included and a is not.
    const t = new Date(Date.parse(b.blockedAt) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    const res = await call('GET', `/v1/blocks?${q({ blockedFrom: t })}`, { token: m.token });
    if (res.status === 400) {
      expectProblem(res, 400, 'validation_failed');
    } else {
      expect(res.status).toBe(200);
      expect(res.body.items.map((x: { id: string }) => x.id)).toEqual([b.id]);
    }
  });

  it('a blockedFrom after blockedTo is refused or an empty page, never a server error', async () => {
    const p = await newPractice();
    const m = await manager(p);
    await blocked(m.token, { type: 'email', value: 'inverted@example.com' });
    const res = await call('GET', `/v1/blocks?${q({ blockedFrom: '2026-02-01', blockedTo: '2026-01-01' })}`, { token: m.token });
    if (res.status === 400) expectProblem(res, 400, 'validation_failed');
    else expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { items: [], nextCursor: null } });
  });

  it('refuses unknown query parameters and a limit outside 1-100', async () => {
    const p = await newPractice();
    const m = await manager(p);
    expectProblem(await call('GET', '/v1/blocks?colour=red', { token: m.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/blocks?limit=0', { token: m.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/blocks?limit=101', { token: m.token }), 400, 'validation_failed');
  });
});

describe('Blocks: editing and unblocking', () => {
  it('PATCH changes the reason and hideExisting, keeps blockedAt and moves updatedAt', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'edit.me@example.com', reason: 'Spam' });
    await after(b.updatedAt);
    const res = await call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { reason: 'Abusive', hideExisting: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: b.id, value: 'edit.me@example.com', reason: 'Abusive', hideExisting: true, blockedAt: b.blockedAt, status: 'active' });
    expect(res.body.updatedAt > b.updatedAt).toBe(true);
    expect((await call('GET', `/v1/blocks/${b.id}`, { token: m.token })).body).toEqual(res.body);

    const reasonOnly = await call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { reason: 'Threats' } });
    expect(reasonOnly.status).toBe(200);
    expect(reasonOnly.body).toMatchObject({ reason: 'Threats', hideExisting: true });
  });

  it('PATCH refuses unknown fields, including the address itself', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'fixed@example.com' });
    const res = await call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { value: 'other@example.com', colour: 'red' } });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res).sort()).toEqual(['colour', 'value']);
    expectProblem(await call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { hideExisting: 'yes' } }), 400, 'validation_failed');
    expect((await call('GET', `/v1/blocks/${b.id}`, { token: m.token })).body).toEqual(b);
  });

  it('DELETE unblocks (204): the block leaves the list and reads back as unblocked, with who and when', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const lifter = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'lift.me@example.com', reason: 'Spam' });
    const keep = await blocked(m.token, { type: 'email', value: 'keep.me@example.com' });
    const del = await call('DELETE', `/v1/blocks/${b.id}`, { token: lifter.token });
    expect(del.status).toBe(204);
    expect(await listIds(m.token)).toEqual([keep.id]);
    const read = await call('GET', `/v1/blocks/${b.id}`, { token: m.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: b.id,
      value: 'lift.me@example.com',
      reason: 'Spam',
      blockedBy: { id: m.id, name: m.body.name },
      blockedAt: b.blockedAt,
      status: 'unblocked',
      unblockedAt: expect.any(String),
      unblockedBy: { id: lifter.id, name: lifter.body.name },
    });
    expect(read.body.unblockedAt >= b.blockedAt).toBe(true);
  });

  it('an unblocked address can be blocked again as a new block', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'again@example.com' });
    expect((await call('DELETE', `/v1/blocks/${b.id}`, { token: m.token })).status).toBe(204);
    const again = await postBlock(m.token, { type: 'email', value: 'Again@Example.com' });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(b.id);
    expect(await listIds(m.token)).toEqual([again.body.id]);
  });

  it('PATCH of an unblocked block is 409 block_not_active and changes nothing', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'done@example.com', reason: 'Spam' });
    await call('DELETE', `/v1/blocks/${b.id}`, { token: m.token });
    expectProblem(await call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { reason: 'Changed' } }), 409, 'block_not_active');
    expect((await call('GET', `/v1/blocks/${b.id}`, { token: m.token })).body).toMatchObject({ reason: 'Spam', status: 'unblocked' });
  });

  it('an unknown block id is 404 on read, edit, unblock and history', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const id = ulid();
    expectProblem(await call('GET', `/v1/blocks/${id}`, { token: m.token }), 404, 'not_found');
    expectProblem(await call('PATCH', `/v1/blocks/${id}`, { token: m.token, body: { reason: 'x' } }), 404, 'not_found');
    expectProblem(await call('DELETE', `/v1/blocks/${id}`, { token: m.token }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/blocks/${id}/history`, { token: m.token }), 404, 'not_found');
  });
});

describe('Blocks: audit history', () => {
  it('records blocked, updated and unblocked with who, when and what changed, oldest first, and keeps it after the unblock', async () => {
    const p = await newPractice();
    const first = await manager(p);
    const second = await manager(p);
    const b = await blocked(first.token, { type: 'email', value: 'audited@example.com', reason: 'Spam' });
    await after(b.updatedAt);
    const edited = (await call('PATCH', `/v1/blocks/${b.id}`, { token: second.token, body: { reason: 'Abusive' } })).body;
    await after(edited.updatedAt);
    expect((await call('DELETE', `/v1/blocks/${b.id}`, { token: first.token })).status).toBe(204);
    const lifted = (await call('GET', `/v1/blocks/${b.id}`, { token: first.token })).body;

    const res = await call('GET', `/v1/blocks/${b.id}/history`, { token: first.token });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const items = res.body.items;
    expect(items.map((e: { action: string }) => e.action)).toEqual(['blocked', 'updated', 'unblocked']);
    expect(items[0]).toMatchObject({ id: expect.any(String), by: { id: first.id, name: first.body.name }, at: b.blockedAt });
    expect(items[1]).toEqual({
      id: expect.any(String),
      action: 'updated',
      by: { id: second.id, name: second.body.name },
      at: edited.updatedAt,
      changes: { reason: { from: 'Spam', to: 'Abusive' } },
    });
    expect(items[2]).toMatchObject({ action: 'unblocked', by: { id: first.id, name: first.body.name }, at: lifted.unblockedAt });
    expect(new Set(items.map((e: { id: string }) => e.id)).size).toBe(3);
  });

  it('an update lists only the fields that changed, with before and after', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'fields@example.com', reason: 'Spam' });
    await call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { reason: 'Spam', hideExisting: true } });
    const items = (await call('GET', `/v1/blocks/${b.id}/history`, { token: m.token })).body.items;
    expect(items.map((e: { action: string }) => e.action)).toEqual(['blocked', 'updated']);
    expect(items[1].changes).toEqual({ hideExisting: { from: false, to: true } });
  });

  it('pages through history with a cursor, oldest first', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'paged@example.com', reason: 'r0' });
    for (const reason of ['r1', 'r2']) await call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { reason } });
    const first = await call('GET', `/v1/blocks/${b.id}/history?limit=2`, { token: m.token });
    expect(first.body.items.map((e: { action: string }) => e.action)).toEqual(['blocked', 'updated']);
    expect(first.body.items[1].changes).toEqual({ reason: { from: 'r0', to: 'r1' } });
    const second = await call('GET', `/v1/blocks/${b.id}/history?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: m.token });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].changes).toEqual({ reason: { from: 'r1', to: 'r2' } });
    expect(second.body.nextCursor).toBeNull();
  });

  it('there is no route that edits or deletes history: each attempt is refused and the history stays', async () => {
    const p = await newPractice();
    const b = await blocked(p.admin.token, { type: 'email', value: 'immutable@example.com' });
    const before = (await call('GET', `/v1/blocks/${b.id}/history`, { token: p.admin.token })).body;
    const eventId = before.items[0].id;
    for (const [method, path] of [
      ['DELETE', `/v1/blocks/${b.id}/history`],
      ['PUT', `/v1/blocks/${b.id}/history`],
      ['PATCH', `/v1/blocks/${b.id}/history`],
      ['POST', `/v1/blocks/${b.id}/history`],
      ['DELETE', `/v1/blocks/${b.id}/history/${eventId}`],
      ['PATCH', `/v1/blocks/${b.id}/history/${eventId}`],
    ] as const) {
      const res = await call(method, path, { token: p.admin.token, ...(method === 'DELETE' ? {} : { body: { action: 'updated' } }) });
      expect([404, 405], `${method} ${path}`).toContain(res.status);
    }
    expect((await call('GET', `/v1/blocks/${b.id}/history`, { token: p.admin.token })).body).toEqual(before);
  });
});

describe('Blocks: stats', () => {
  it('counts blocks per day, unblocks and the unblock rate over a range', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const made = [];
    for (const value of ['s1@example.com', 's2@example.com', 's3@example.com', 's4@example.com']) {
      made.push(await blocked(m.token, { type: 'email', value }));
    }
    await call('DELETE', `/v1/blocks/${made[0].id}`, { token: m.token });
    const from = dayOf(made[0].blockedAt);
    const to = dayOf(new Date().toISOString());
    const res = await call('GET', `/v1/blocks/stats?from=${from}&to=${to}`, { token: m.token });
    expect(res.status).toBe(200);
    const perDay = new Map<string, number>();
    for (const b of made) perDay.set(dayOf(b.blockedAt), (perDay.get(dayOf(b.blockedAt)) ?? 0) + 1);
    expect(res.body).toMatchObject({ from, to, totalBlocked: 4, unblocked: 1, unblockRate: 0.25, quarantined: 0 });
    expect(res.body.blocked.filter((d: { count: number }) => d.count > 0)).toEqual([...perDay].map(([date, count]) => ({ date, count })));
  });

  it('a range without blocks has zero counts and a zero unblock rate', async () => {
    const p = await newPractice();
    const m = await manager(p);
    await blocked(m.token, { type: 'email', value: 'today@example.com' });
    const res = await call('GET', '/v1/blocks/stats?from=2020-01-01&to=2020-01-31', { token: m.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2020-01-01', to: '2020-01-31', totalBlocked: 0, unblocked: 0, unblockRate: 0 });
    expect(res.body.blocked.every((d: { count: number }) => d.count === 0)).toBe(true);
  });

  it('defaults to the 30 days ending today', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'email', value: 'default.range@example.com' });
    const res = await call('GET', '/v1/blocks/stats', { token: m.token });
    expect(res.status).toBe(200);
    const today = dayOf(new Date().toISOString());
    expect(res.body).toMatchObject({ to: today, from: shiftDay(today, -29), totalBlocked: 1, unblocked: 0, unblockRate: 0 });
    expect(res.body.blocked.filter((d: { count: number }) => d.count > 0)).toEqual([{ date: dayOf(b.blockedAt), count: 1 }]);
  });

  it('counts only the practice asking', async () => {
    const p = await newPractice();
    const other = await newPractice();
    await blocked(other.admin.token, { type: 'email', value: 'elsewhere@example.com' });
    const res = await call('GET', '/v1/blocks/stats', { token: p.admin.token });
    expect(res.body).toMatchObject({ totalBlocked: 0, unblocked: 0, unblockRate: 0 });
  });

  it('refuses from after to, and dates that are not YYYY-MM-DD', async () => {
    const p = await newPractice();
    const m = await manager(p);
    expectProblem(await call('GET', '/v1/blocks/stats?from=2026-02-01&to=2026-01-01', { token: m.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/blocks/stats?from=last-week', { token: m.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/blocks/stats?to=2026-1-5', { token: m.token }), 400, 'validation_failed');
  });
});

describe('Blocks: from the patient record', () => {
  it('blocks the chosen methods saved on the patient, each linked to the patient', async () => {
    const p = await newPractice();
    await setRegionGB(p);
    const m = await manager(p);
    const pat = await p.patient({ name: 'Rhys Record', email: 'Rhys@Example.com', phone: '07700 900401', whatsapp: '07700 900402' });
    const res = await call('POST', `/v1/patients/${pat.id}/blocks`, {
      token: m.token,
      body: { contactMethods: ['email', 'phone', 'whatsapp'], reason: 'Asked never to be contacted' },
    });
    expect(res.status).toBe(201);
    expect(res.body.alreadyBlocked).toEqual([]);
    expect(res.body.blocks).toHaveLength(3);
    expect(res.body.blocks.map((b: { type: string; value: string }) => `${b.type}:${b.value}`).sort()).toEqual([
      'email:rhys@example.com',
      'phone:+447700900401',
      'phone:+447700900402',
    ]);
    for (const b of res.body.blocks) {
      expect(b).toMatchObject({
        id: expect.any(String),
        reason: 'Asked never to be contacted',
        hideExisting: false,
        patient: { id: pat.id, name: 'Rhys Record' },
        blockedBy: { id: m.id },
        status: 'active',
      });
    }
    expect((await listIds(m.token, q({ patientId: pat.id }))).sort()).toEqual(res.body.blocks.map((b: { id: string }) => b.id).sort());
  });

  it('blocks only the methods chosen', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const pat = await p.patient({ email: 'only.phone@example.com', phone: '+12025550410' });
    const res = await call('POST', `/v1/patients/${pat.id}/blocks`, { token: m.token, body: { contactMethods: ['phone'] } });
    expect(res.status).toBe(201);
    expect(res.body.blocks.map((b: { value: string }) => b.value)).toEqual(['+12025550410']);
    expect(await listIds(m.token, 'type=email')).toEqual([]);
  });

  it('reports methods already blocked, with the existing block, instead of failing', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const pat = await p.patient({ email: 'partly@example.com', phone: '+12025550420' });
    const existing = await blocked(m.token, { type: 'email', value: 'PARTLY@example.com' });
    const res = await call('POST', `/v1/patients/${pat.id}/blocks`, { token: m.token, body: { contactMethods: ['email', 'phone'] } });
    expect(res.status).toBe(201);
    expect(res.body.blocks.map((b: { value: string }) => b.value)).toEqual(['+12025550420']);
    expect(res.body.alreadyBlocked).toEqual([{ type: 'email', value: 'partly@example.com', existingBlockId: existing.id }]);
  });

  it('refuses a method the patient has no value for, and blocks nothing', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const pat = await p.patient({ email: 'no.whatsapp@example.com' });
    const res = await call('POST', `/v1/patients/${pat.id}/blocks`, { token: m.token, body: { contactMethods: ['email', 'whatsapp'] } });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res)).toEqual(['contactMethods.1']);
    expect(await listIds(m.token)).toEqual([]);
  });

  it('refuses an empty or unknown method list, and answers 404 for an unknown patient', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const pat = await p.patient({ email: 'methods@example.com' });
    expectProblem(await call('POST', `/v1/patients/${pat.id}/blocks`, { token: m.token, body: { contactMethods: [] } }), 400, 'validation_failed');
    expectProblem(await call('POST', `/v1/patients/${pat.id}/blocks`, { token: m.token, body: { contactMethods: ['fax'] } }), 400, 'validation_failed');
    expectProblem(await call('POST', `/v1/patients/${ulid()}/blocks`, { token: m.token, body: { contactMethods: ['email'] } }), 404, 'not_found');
  });
});

describe('Blocks: from conversations in the inbox', () => {
  async function setup() {
    const p = await newPractice();
    const m = await manager(p);
    const sender = await p.staff('receptionist');
    const pat = await p.patient({ name: 'Inbox Ivy', email: 'ivy@example.com', phone: '+12025550501', whatsapp: '+12025550502' });
    const email = (await started(sender.token, { channel: 'email', subject: 'Hello', participants: [pt(pat)], body: BODY })).conversation;
    const sms = (await started(sender.token, { channel: 'sms', participants: [pt(pat)], body: BODY })).conversation;
    return { p, m, sender, pat, email, sms };
  }

  it('dryRun shows each sender address with its patient and blocks nothing', async () => {
    const { m, pat, email, sms } = await setup();
    const res = await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: [email.id, sms.id], dryRun: true } });
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.items).toHaveLength(2);
    const patient = { id: pat.id, name: 'Inbox Ivy' };
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { conversationId: email.id, type: 'email', value: 'ivy@example.com', patient, status: 'would_block', blockId: null },
        { conversationId: sms.id, type: 'phone', value: '+12025550501', patient, status: 'would_block', blockId: null },
      ]),
    );
    expect(await listIds(m.token)).toEqual([]);
  });

  it('without dryRun blocks them, linked to the patient and with the reason given', async () => {
    const { m, pat, email, sms } = await setup();
    const res = await call('POST', '/v1/blocks/from-conversations', {
      token: m.token,
      body: { conversationIds: [email.id, sms.id], reason: 'Spam from inbox' },
    });
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(false);
    expect(res.body.items).toHaveLength(2);
    for (const item of res.body.items) {
      expect(item).toMatchObject({ status: 'blocked', blockId: expect.any(String), patient: { id: pat.id } });
      const b = await call('GET', `/v1/blocks/${item.blockId}`, { token: m.token });
      expect(b.body).toMatchObject({ type: item.type, value: item.value, reason: 'Spam from inbox', patient: { id: pat.id, name: 'Inbox Ivy' }, status: 'active' });
    }
    expect((await listIds(m.token)).sort()).toEqual(res.body.items.map((i: { blockId: string }) => i.blockId).sort());
  });

  it('reports addresses already blocked with their block, not as an error, in a dry run and a real one', async () => {
    const { m, email, sms } = await setup();
    const existing = await blocked(m.token, { type: 'email', value: 'ivy@example.com' });
    for (const dryRun of [true, false]) {
      const res = await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: [email.id, sms.id], dryRun } });
      expect(res.status).toBe(200);
      const emailItem = res.body.items.find((i: { type: string }) => i.type === 'email');
      expect(emailItem, `dryRun=${dryRun}`).toMatchObject({ status: 'already_blocked', blockId: existing.id });
    }
    const again = await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: [sms.id] } });
    expect(again.body.items).toEqual([expect.objectContaining({ type: 'phone', status: 'already_blocked', blockId: expect.any(String) })]);
    expect(await listIds(m.token)).toHaveLength(2);
  });

  it("uses the address of the conversation's channel: WhatsApp number (else phone) for whatsapp, everything on file for portal", async () => {
    const p = await newPractice();
    const m = await manager(p);
    const sender = await p.staff('receptionist');
    const both = await p.patient({ email: 'both@example.com', phone: '+12025550511', whatsapp: '+12025550512' });
    const phoneOnly = await p.patient({ phone: '+12025550513' });
    const dry = async (conversationId: string) =>
      (await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: [conversationId], dryRun: true } })).body.items.map(
        (i: { type: string; value: string }) => `${i.type}:${i.value}`,
      );
    const waBoth = (await started(sender.token, { channel: 'whatsapp', participants: [pt(both)], body: BODY })).conversation;
    const waPhone = (await started(sender.token, { channel: 'whatsapp', participants: [pt(phoneOnly)], body: BODY })).conversation;
    const portal = (await started(sender.token, { channel: 'portal', subject: 'Hi', participants: [pt(both)], body: BODY })).conversation;
    expect(await dry(waBoth.id)).toEqual(['phone:+12025550512']);
    expect(await dry(waPhone.id)).toEqual(['phone:+12025550513']);
    expect((await dry(portal.id)).sort()).toEqual(['email:both@example.com', 'phone:+12025550511', 'phone:+12025550512']);
  });

  it('an unknown conversation, or another practice’s, is 404 and blocks nothing', async () => {
    const { m, email } = await setup();
    const elsewhere = await setup();
    expectProblem(await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: [email.id, ulid()] } }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: [elsewhere.email.id] } }), 404, 'not_found');
    expect(await listIds(m.token)).toEqual([]);
    expect(await listIds(elsewhere.m.token)).toEqual([]);
  });

  it('refuses an empty list and unknown fields', async () => {
    const { m } = await setup();
    expectProblem(await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: [] } }), 400, 'validation_failed');
    const res = await call('POST', '/v1/blocks/from-conversations', { token: m.token, body: { conversationIds: ['x'], everything: true } });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res)).toContain('everything');
  });
});

describe('Blocks: permissions', () => {
  /** Every block route, with a request that would succeed for a manager. */
  async function everyRoute(p: Practice) {
    const pat = await p.patient({ email: 'perm.patient@example.com', phone: '+12025550601' });
    const sender = await p.staff('receptionist');
    const conv = (await started(sender.token, { channel: 'sms', participants: [pt(pat)], body: BODY })).conversation;
    const b = await blocked(p.admin.token, { type: 'email', value: 'perm.target@example.com' });
    return [
      ['POST', '/v1/blocks', { type: 'email', value: 'perm.new@example.com' }],
      ['GET', '/v1/blocks', undefined],
      ['GET', '/v1/blocks/stats', undefined],
      ['POST', '/v1/blocks/from-conversations', { conversationIds: [conv.id], dryRun: true }],
      ['GET', `/v1/blocks/${b.id}`, undefined],
      ['PATCH', `/v1/blocks/${b.id}`, { reason: 'Changed' }],
      ['GET', `/v1/blocks/${b.id}/history`, undefined],
      ['POST', `/v1/patients/${pat.id}/blocks`, { contactMethods: ['phone'] }],
      ['DELETE', `/v1/blocks/${b.id}`, undefined],
    ] as const;
  }

  it('a receptionist without manage_contacts gets 403 forbidden on every block route, and changes nothing', async () => {
    const p = await newPractice();
    const routes = await everyRoute(p);
    const receptionist = await p.staff('receptionist', ['send_messages']);
    for (const [method, path, body] of routes) {
      const res = await call(method, path, { token: receptionist.token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expectProblem(res, 403, 'forbidden');
    }
    const list = await call('GET', '/v1/blocks', { token: p.admin.token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ value: 'perm.target@example.com', reason: null, status: 'active' });
  });

  it('other staff without manage_contacts and patients get 403 forbidden too', async () => {
    const p = await newPractice();
    const pat = await p.patient({ email: 'self@example.com' });
    for (const actor of [await p.staff('provider', ['send_messages']), await p.staff('biller', []), pat]) {
      expectProblem(await call('GET', '/v1/blocks', { token: actor.token }), 403, 'forbidden');
      expectProblem(await postBlock(actor.token, { type: 'email', value: 'x@example.com' }), 403, 'forbidden');
    }
    expectProblem(await call('POST', `/v1/patients/${pat.id}/blocks`, { token: pat.token, body: { contactMethods: ['email'] } }), 403, 'forbidden');
  });

  it('a receptionist with manage_contacts may use every block route', async () => {
    const p = await newPractice();
    const routes = await everyRoute(p);
    const m = await manager(p);
    for (const [method, path, body] of routes) {
      const res = await call(method, path, { token: m.token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }
  });

  it('the staff record decides: granting manage_contacts later opens the routes, taking it away closes them', async () => {
    const p = await newPractice();
    const r = await p.staff('receptionist', ['send_messages']);
    expectProblem(await call('GET', '/v1/blocks', { token: r.token }), 403, 'forbidden');
    await call('PATCH', `/v1/staff/${r.id}`, { token: p.admin.token, body: { permissions: ['send_messages', 'manage_contacts'] } });
    expect((await call('GET', '/v1/blocks', { token: r.token })).status).toBe(200);
    await call('PATCH', `/v1/staff/${r.id}`, { token: p.admin.token, body: { permissions: ['send_messages'] } });
    expectProblem(await call('GET', '/v1/blocks', { token: r.token }), 403, 'forbidden');
  });
});

describe('Blocks: tenant isolation', () => {
  it("another practice's block is 404 on read, edit, unblock and history, and stays as it was", async () => {
    const mine = await newPractice();
    const theirs = await newPractice();
    const b = await blocked(theirs.admin.token, { type: 'email', value: 'theirs@example.com', reason: 'Theirs' });
    const m = await manager(mine);
    for (const token of [mine.admin.token, m.token]) {
      expectProblem(await call('GET', `/v1/blocks/${b.id}`, { token }), 404, 'not_found');
      expectProblem(await call('PATCH', `/v1/blocks/${b.id}`, { token, body: { reason: 'Mine now' } }), 404, 'not_found');
      expectProblem(await call('DELETE', `/v1/blocks/${b.id}`, { token }), 404, 'not_found');
      expectProblem(await call('GET', `/v1/blocks/${b.id}/history`, { token }), 404, 'not_found');
    }
    expect(await listIds(mine.admin.token)).toEqual([]);
    const read = await call('GET', `/v1/blocks/${b.id}`, { token: theirs.admin.token });
    expect(read.body).toMatchObject({ reason: 'Theirs', status: 'active' });
    expect((await call('GET', `/v1/blocks/${b.id}/history`, { token: theirs.admin.token })).body.items).toHaveLength(1);
  });

  it('the same address may be blocked by two practices independently', async () => {
    const a = await newPractice();
    const b = await newPractice();
    const first = await postBlock(a.admin.token, { type: 'email', value: 'shared@example.com' });
    const second = await postBlock(b.admin.token, { type: 'email', value: 'shared@example.com' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it("another practice's patient is 404 as patientId and on the patient blocks route", async () => {
    const mine = await newPractice();
    const theirs = await newPractice();
    const pat = await theirs.patient({ email: 'their.patient@example.com' });
    expectProblem(await postBlock(mine.admin.token, { type: 'email', value: 'x@example.com', patientId: pat.id }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/patients/${pat.id}/blocks`, { token: mine.admin.token, body: { contactMethods: ['email'] } }), 404, 'not_found');
    // and their patient's address is not linked to anyone here
    const b = await blocked(mine.admin.token, { type: 'email', value: 'their.patient@example.com' });
    expect(b).not.toHaveProperty('patient');
  });
});
