import { beforeEach, describe, expect, it } from 'vitest';
import type { Party } from '../../../lambdas/domain/conversation-policy.js';
import { bulkUpdate, type ConversationBulkReads } from '../../../lambdas/use-cases/conversations/bulk.js';
import type { ConversationRecord, PartyRef } from '../../../lambdas/use-cases/conversations/index.js';
import { caller } from '../helpers.js';
import { T0, conversationFakes, type Fakes } from './fakes.js';

const me: Party = { type: 'staff', id: 'receptionist-me', name: 'receptionist', role: 'receptionist' };
const pat: Party = { type: 'patient', id: 'pat', name: 'Patient pat', role: 'patient' };
const other: Party = { type: 'staff', id: 'biller-1', name: 'biller', role: 'biller' };

const conversation = (id: string, participants: Party[] = [me, pat]): ConversationRecord => ({
  id,
  kind: 'direct',
  channel: 'portal',
  subject: 'Results',
  participants,
  createdBy: { type: 'staff', id: participants[0]!.id },
  createdAt: T0,
  lastMessageAt: T0,
  lastDirection: 'outbound',
});

let f: Fakes;
/** The batch reads over the fake store, counting calls. */
let batchCalls: number;
const bulkReads: ConversationBulkReads = {
  async read(practiceId: string, ids: readonly string[], party: PartyRef) {
    batchCalls++;
    const conversations = new Map<string, ConversationRecord>();
    const states = new Map();
    for (const id of ids) {
      const c = await f.conversations.get(practiceId, id);
      if (c) conversations.set(id, c);
      const s = await f.conversations.state(practiceId, id, party);
      if (s) states.set(id, s);
    }
    return { conversations, states };
  },
};
const receptionist = caller('receptionist');
const stateOf = (id: string, party: PartyRef = me) => f.conversations.state('p', id, party);

beforeEach(() => {
  f = conversationFakes();
  batchCalls = 0;
});

describe('Bulk actions (use case on in-memory ports)', () => {
  it('changes each of the caller’s conversations with one read up front and one write each; the others are not_found', async () => {
    for (const id of ['c1', 'c2', 'c3']) f.conversations.seed(conversation(id));
    f.conversations.seed(conversation('theirs', [other, pat]));
    const { results } = await bulkUpdate({ ...f.deps, bulkReads }, receptionist, { ids: ['c1', 'theirs', 'c2', 'gone', 'c3'], action: 'archive' });
    expect(results).toEqual([
      { id: 'c1', ok: true },
      { id: 'theirs', ok: false, code: 'not_found' },
      { id: 'c2', ok: true },
      { id: 'gone', ok: false, code: 'not_found' },
      { id: 'c3', ok: true },
    ]);
    expect(batchCalls).toBe(1);
    expect(f.conversations.writeAttempts).toBe(3);
    for (const id of ['c1', 'c2', 'c3']) expect((await stateOf(id))?.archived).toBe(true);
    expect((await stateOf('c1', pat))?.archived).toBe(false);
    expect((await stateOf('theirs', other))?.archived).toBe(false);
  });

  it('writes nothing for a conversation already in the asked state', async () => {
    f.conversations.seed(conversation('c1'));
    const { results } = await bulkUpdate({ ...f.deps, bulkReads }, receptionist, { ids: ['c1'], action: 'read' });
    expect(results).toEqual([{ id: 'c1', ok: true }]);
    expect(f.conversations.writeAttempts).toBe(0);
  });

  it('a write that lost a race is done again from a fresh read', async () => {
    f.conversations.seed(conversation('c1'));
    f.conversations.racesToLose = 1;
    const { results } = await bulkUpdate({ ...f.deps, bulkReads }, receptionist, { ids: ['c1'], action: 'star' });
    expect(results).toEqual([{ id: 'c1', ok: true }]);
    expect(f.conversations.writeAttempts).toBe(2);
    expect((await stateOf('c1'))?.starred).toBe(true);
  });

  it('unread makes a read conversation unread for the caller only; unarchive brings one back as read', async () => {
    f.conversations.seed(conversation('c1'));
    await bulkUpdate(f.deps, receptionist, { ids: ['c1'], action: 'unread' });
    expect((await stateOf('c1'))?.status).toBe('unread');
    expect((await stateOf('c1', pat))?.status).toBe('read');
    await bulkUpdate(f.deps, receptionist, { ids: ['c1'], action: 'archive' });
    await bulkUpdate(f.deps, receptionist, { ids: ['c1'], action: 'unarchive' });
    expect(await stateOf('c1')).toMatchObject({ archived: false, status: 'read' });
  });

  it('without batch reads every id goes through the single-conversation use case, with the same answers', async () => {
    f.conversations.seed(conversation('c1'));
    f.conversations.seed(conversation('theirs', [other, pat]));
    const { results } = await bulkUpdate(f.deps, receptionist, { ids: ['theirs', 'c1', 'c1'], action: 'star' });
    expect(results).toEqual([
      { id: 'theirs', ok: false, code: 'not_found' },
      { id: 'c1', ok: true },
      { id: 'c1', ok: true },
    ]);
    expect(f.conversations.writeAttempts).toBe(1);
  });
});
