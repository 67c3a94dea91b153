/**
 * Conformance of blocks, contacts and groups with the contract (issue 14, items 2-4):
 * Idempotency-Key on every creating POST, every invalid filter listed in one 400, impossible
 * dates refused by one date rule.
 */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { type ApiResponse, call, expectProblem, newPractice } from './api-client.js';
import { BODY, pt, started } from './conversation-helpers.js';
import { contact, errorPaths, group, manager } from './fixtures.js';

const post = (token: string, path: string, body: unknown, key: string): Promise<ApiResponse> =>
  call('POST', path, { token, body, headers: { 'idempotency-key': key } });

/** The same key and body answer the first answer again; another body with that key is 409. */
async function expectIdempotent(token: string, path: string, body: Record<string, unknown>, otherBody: Record<string, unknown>) {
  const key = `key-${ulid()}`;
  const first = await post(token, path, body, key);
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const again = await post(token, path, body, key);
  expect({ status: again.status, body: again.body }).toEqual({ status: first.status, body: first.body });
  expectProblem(await post(token, path, otherBody, key), 409, 'idempotency_key_reused');
}

describe('Conformance: Idempotency-Key on the creating POSTs of blocks, contacts and groups', () => {
  it('POST /v1/blocks/from-conversations: the same key and body answer the first answer; another body is 409 idempotency_key_reused', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ email: `idem-${ulid().toLowerCase()}@example.com` });
    const { conversation } = await started(sender.token, { channel: 'email', subject: 'Hello', participants: [pt(patient)], body: BODY });
    await expectIdempotent(
      m.token,
      '/v1/blocks/from-conversations',
      { conversationIds: [conversation.id], reason: 'Spam' },
      { conversationIds: [conversation.id], reason: 'Other reason' },
    );
  });

  it('POST /v1/contacts/block: the same key and body answer the first answer; another body is 409 idempotency_key_reused', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const c = await contact(m.token, { name: 'Idem Contact', email: `c-${ulid().toLowerCase()}@example.com` });
    await expectIdempotent(m.token, '/v1/contacts/block', { contactIds: [c.id], reason: 'Spam' }, { contactIds: [c.id], reason: 'Other' });
  });

  it('POST /v1/groups/{id}/members: the same key and body answer the first answer; another body is 409 idempotency_key_reused', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const g = await group(m.token);
    const a = await contact(m.token, { name: 'Member A' });
    const b = await contact(m.token, { name: 'Member B' });
    await expectIdempotent(m.token, `/v1/groups/${g.id}/members`, { contactIds: [a.id] }, { contactIds: [b.id] });
  });
});

describe('Conformance: every invalid filter is listed', () => {
  it('GET /v1/blocks with two bad dates names both; with a bad date and a bad type names both', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const dates = await call('GET', '/v1/blocks?blockedFrom=notadate&blockedTo=alsonot', { token: m.token });
    expectProblem(dates, 400, 'validation_failed');
    expect(errorPaths(dates).sort()).toEqual(['blockedFrom', 'blockedTo']);
    const mixed = await call('GET', '/v1/blocks?blockedFrom=notadate&type=fax', { token: m.token });
    expectProblem(mixed, 400, 'validation_failed');
    expect(errorPaths(mixed).sort()).toEqual(['blockedFrom', 'type']);
  });
});

describe('Conformance: impossible dates are refused, by one date rule', () => {
  it('GET /v1/blocks/stats?from=2026-02-30&to=2026-13-45 is 400 naming both', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const res = await call('GET', '/v1/blocks/stats?from=2026-02-30&to=2026-13-45', { token: m.token });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res).sort()).toEqual(['from', 'to']);
    // A leap day is a real date.
    expect((await call('GET', '/v1/blocks/stats?from=2024-02-29&to=2024-03-01', { token: m.token })).status).toBe(200);
  });

  it('block and contact date filters refuse the same impossible dates and date-times, and accept the same real ones', async () => {
    const p = await newPractice();
    const m = await manager(p);
    for (const bad of ['2026-02-30', '2025-02-29', '2026-04-31', '2026-02-30T10:00:00Z', '2026-01-01T25:00:00Z']) {
      for (const path of ['/v1/blocks', '/v1/contacts']) {
        const res = await call('GET', `${path}?blockedFrom=${encodeURIComponent(bad)}`, { token: m.token });
        expectProblem(res, 400, 'validation_failed');
        expect(errorPaths(res), `${path} ${bad}`).toEqual(['blockedFrom']);
      }
    }
    for (const good of ['2024-02-29', '2026-02-28T10:00:00+01:00', '2026-02-28T10:00:00.123Z']) {
      for (const path of ['/v1/blocks', '/v1/contacts']) {
        const res = await call('GET', `${path}?blockedTo=${encodeURIComponent(good)}`, { token: m.token });
        expect(res.status, `${path} ${good}: ${JSON.stringify(res.body)}`).toBe(200);
      }
    }
  });
});
