import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice } from './api-client.js';
import { inboxIds, portal, pt, replied, started } from './conversation-helpers.js';
import { succeeded } from './fixtures.js';

const archive = (token: string, id: string) =>
  succeeded('archive', call('PATCH', `/v1/conversations/${id}`, { token, body: { archived: true } }), 200);

/** Every page of a search, `limit` at a time: the ids in the order listed. */
async function allPages(token: string, query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: any = await succeeded(
      'page',
      call('GET', `/v1/conversations?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token }),
      200,
    );
    ids.push(...page.items.map((c: { id: string }) => c.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('too many pages');
}

describe('GET /v1/conversations?q= finds archived conversations too', () => {
  it('a search lists open and archived matches newest first, each with its own status; without q the archived one stays out', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ name: 'Maria Quintana' });
    const other = await p.patient({ name: 'Olaf Berg' });
    const knee1 = (await started(receptionist.token, portal([pt(patient)], { subject: 'Knee follow-up' }))).conversation.id;
    const dental = (await started(receptionist.token, portal([pt(other)], { subject: 'Dental check' }))).conversation.id;
    const knee2 = (await started(receptionist.token, portal([pt(other)], { subject: 'Knee X-ray results' }))).conversation.id;
    await archive(receptionist.token, knee1);

    expect(await inboxIds(receptionist.token)).toEqual([knee2, dental]);
    expect(await inboxIds(receptionist.token, 'q=knee')).toEqual([knee2, knee1]);
    const found = await succeeded('search', call('GET', '/v1/conversations?q=KNEE', { token: receptionist.token }), 200);
    expect(found.items.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      [knee2, 'replied'],
      [knee1, 'archived'],
    ]);
    // Participant names are searched in the archive as well.
    expect(await inboxIds(receptionist.token, 'q=quintana')).toEqual([knee1]);
    expect(await inboxIds(receptionist.token, 'q=dental')).toEqual([dental]);
    // status=archived still lists the archive only; another status, the open ones only.
    expect(await inboxIds(receptionist.token, 'q=knee&status=archived')).toEqual([knee1]);
    expect(await inboxIds(receptionist.token, 'q=knee&status=replied')).toEqual([knee2]);
    // The patient's own archive is theirs: their search follows their own states.
    expect(await inboxIds(patient.token, 'q=knee')).toEqual([knee1]);
  });

  it('pages of a search go through both partitions in activity order, each match once', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      ids.push((await started(receptionist.token, portal([pt(patient)], { subject: i % 3 === 2 ? `Billing ${i}` : `Therapy plan ${i}` }))).conversation.id);
    }
    // Archived: 0, 3, 4; open: 1, 6, 7 (and the Billing ones 2, 5, 8 never match).
    for (const i of [0, 3, 4]) await archive(receptionist.token, ids[i] as string);
    // Activity order: a reply moves conversation 0 (archived, own reply keeps it archived) to the top.
    await replied(receptionist.token, ids[0] as string);
    const expected = [0, 7, 6, 4, 3, 1].map((i) => ids[i]);
    for (const limit of [1, 2, 4, 100]) {
      expect(await allPages(receptionist.token, 'q=therapy', limit), `limit ${limit}`).toEqual(expected);
    }
    expect(await allPages(receptionist.token, 'q=therapy&channel=portal', 2)).toEqual(expected);
  });

  it("a cursor of the plain inbox is not one of the search (400 invalid_cursor)", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    for (let i = 0; i < 2; i++) await started(receptionist.token, portal([pt(patient)], { subject: `Therapy ${i}` }));
    const plain = await succeeded('plain', call('GET', '/v1/conversations?limit=1', { token: receptionist.token }), 200);
    expectProblem(await call('GET', `/v1/conversations?q=therapy&limit=1&cursor=${plain.nextCursor}`, { token: receptionist.token }), 400, 'invalid_cursor');
    const search = await succeeded('search', call('GET', '/v1/conversations?q=therapy&limit=1', { token: receptionist.token }), 200);
    expectProblem(await call('GET', `/v1/conversations?limit=1&cursor=${search.nextCursor}`, { token: receptionist.token }), 400, 'invalid_cursor');
  });
});
