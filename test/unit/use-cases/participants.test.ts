import { beforeEach, describe, expect, it } from 'vitest';
import type { Party } from '../../../lambdas/domain/conversation-policy.js';
import { reply, startConversation, type ConversationRecord, type PartyRef, type SendPlan, type StateRecord } from '../../../lambdas/use-cases/conversations/index.js';
import {
  PARTIES_PER_CHUNK,
  fanOutParticipants,
  splitPlan,
  type FanOutWrite,
  type ParticipantChunk,
  type ParticipantFanOutStore,
} from '../../../lambdas/use-cases/conversations/participants-fanout.js';
import { caller } from '../helpers.js';
import { T0, conversationFakes, type Fakes, refusal } from './fakes.js';

const BODY = 'Your lab results are ready to view.';
const staffRef = (id: string) => ({ type: 'staff' as const, id });

let f: Fakes;
beforeEach(() => {
  f = conversationFakes();
  f.directory.addPatient('pat');
  f.directory.addStaff('receptionist', 'receptionist-me');
});

describe('Role participants (use case on in-memory ports)', () => {
  it('a role stands for the active staff members with that role; an inactive one is left out', async () => {
    f.directory.addStaff('receptionist', 'front-1');
    f.directory.addStaff('receptionist', 'front-2');
    f.directory.addStaff('receptionist', 'front-gone').status = 'inactive';
    f.directory.addStaff('biller', 'biller-1');
    const out = await startConversation(f.deps, caller('patient', { id: 'pat' }), {
      channel: 'portal',
      subject: 'Billing',
      body: BODY,
      participants: [{ type: 'role', role: 'receptionist' }],
    });
    expect(out.conversation.participants.map((p) => p.id).sort()).toEqual(['front-1', 'front-2', 'pat', 'receptionist-me'].sort());
  });

  it('the start rules apply to the people a role stands for: a patient cannot address providers', async () => {
    f.directory.addStaff('provider', 'provider-1');
    const e = await refusal(
      startConversation(f.deps, caller('patient', { id: 'pat' }), { channel: 'portal', subject: 'Hi', body: BODY, participants: [{ type: 'role', role: 'provider' }] }),
    );
    expect(e.kind).toBe('conversation_rule');
    expect(f.conversations.sent).toEqual([]);
  });

  it('a role with nobody active in it, and nobody else named: 400, nothing written', async () => {
    const e = await refusal(startConversation(f.deps, caller('receptionist'), { channel: 'portal', subject: 'Hi', body: BODY, participants: [{ type: 'role', role: 'biller' }] }));
    expect(e.kind).toBe('validation_failed');
    expect(f.conversations.sent).toEqual([]);
  });
});

describe('Large conversations: what a send writes itself', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => f.directory.addStaff('provider', `member-${i}`));

  it('a start with more than 15 people writes the author’s state only (the stream writes the others); 15 or fewer, every state', async () => {
    many(40);
    await startConversation(f.deps, caller('receptionist'), { channel: 'portal', subject: 'All hands', body: BODY, participants: Array.from({ length: 40 }, (_, i) => staffRef(`member-${i}`)) });
    expect(f.conversations.sent[0]!.states.map((s) => s.party.id)).toEqual(['receptionist-me']);
    await startConversation(f.deps, caller('receptionist'), { channel: 'portal', subject: 'Few', body: BODY, participants: Array.from({ length: 14 }, (_, i) => staffRef(`member-${i}`)) });
    expect(f.conversations.sent[1]!.states).toHaveLength(15);
  });

  it('more than 500 people: 400 validation_failed', async () => {
    many(500);
    const e = await refusal(
      startConversation(f.deps, caller('receptionist'), { channel: 'portal', subject: 'Too many', body: BODY, participants: Array.from({ length: 500 }, (_, i) => staffRef(`member-${i}`)) }),
    );
    expect(e.kind).toBe('validation_failed');
  });

  it('a reply into a large conversation reads and writes the author’s state only, over the archive and star it read', async () => {
    const members = many(40);
    const participants: Party[] = [{ type: 'staff', id: 'receptionist-me', name: 'Me', role: 'receptionist' }, ...members.map((m) => ({ type: 'staff' as const, id: m.id, name: m.name, role: m.role }))];
    f.conversations.seed({ id: 'c1', kind: 'direct', channel: 'portal', subject: 'x', participants, createdBy: { type: 'staff', id: 'receptionist-me' }, createdAt: T0, lastMessageAt: T0, lastDirection: 'internal' });
    let statesRead = 0;
    const states = f.conversations.states.bind(f.conversations);
    f.conversations.states = async (...args) => {
      statesRead++;
      return states(...args);
    };
    f.setNow('2026-11-30T11:00:00.000Z');
    await reply(f.deps, caller('receptionist'), 'c1', { body: BODY });
    expect(statesRead).toBe(0);
    const plan = f.conversations.sent[0]!;
    expect(plan.states.map((s) => [s.party.id, s.status, s.readAs])).toEqual([['receptionist-me', 'replied', { archived: false, starred: false }]]);
  });
});

const conversationOf = (n: number): ConversationRecord => ({
  id: 'c1',
  kind: 'direct',
  channel: 'portal',
  subject: 'x',
  participants: [
    { type: 'staff', id: 'author', name: 'A', role: 'receptionist' },
    { type: 'patient', id: 'pat', name: 'P', role: 'patient' },
    ...Array.from({ length: n - 2 }, (_, i) => ({ type: 'staff' as const, id: `s${i}`, name: `S${i}`, role: 'provider' as const })),
  ],
  createdBy: { type: 'staff', id: 'author' },
  createdAt: T0,
  lastMessageAt: T0,
  lastDirection: 'outbound',
});

function planFor(c: ConversationRecord): SendPlan {
  const state = (p: PartyRef): StateRecord => ({ conversationId: c.id, party: p, status: p.id === 'author' ? 'replied' : 'unread', archived: false, starred: false, lastMessageAt: T0 });
  return {
    conversation: c,
    isNew: true,
    message: {
      id: 'm1',
      conversationId: c.id,
      channel: 'portal',
      direction: 'outbound',
      author: { type: 'staff', id: 'author' },
      body: BODY,
      attachments: [],
      createdAt: T0,
      deliveries: [
        { recipient: { type: 'patient', id: 'pat' }, channel: 'portal', address: null, status: 'delivered', purpose: 'message' },
        { recipient: { type: 'patient', id: 'pat' }, channel: 'email', address: 'p@example.com', status: 'queued', purpose: 'notification' },
      ],
    },
    states: c.participants.map((p) => state({ type: p.type, id: p.id })),
    correspondenceOf: ['pat'],
    pairs: c.participants.filter((p) => p.role === 'provider').map((p) => ({ providerId: p.id, patientId: 'pat', exclusive: false })),
    answer: { ok: true },
  };
}

describe('Splitting a send larger than one transaction', () => {
  it('a send that fits is written whole', () => {
    const plan = planFor(conversationOf(10));
    const split = splitPlan(plan, 100);
    expect(split.plan).toBe(plan);
    expect(split.chunks).toEqual([]);
  });

  it('500 people: the author’s state in the transaction, everyone else once in chunks of 50, with their pointers and pair links; deliveries keep their index', () => {
    const plan = planFor(conversationOf(500));
    const split = splitPlan(plan, 100);
    expect(split.plan.states.map((s) => s.party.id)).toEqual(['author']);
    expect(split.deliveryCount).toBe(2);
    const parties = split.chunks.flatMap((c) => c.parties.map((p) => p.id));
    expect(parties).toHaveLength(499);
    expect(new Set(parties).size).toBe(499);
    expect(parties).not.toContain('author');
    expect(split.chunks.every((c) => c.parties.length <= PARTIES_PER_CHUNK)).toBe(true);
    expect(split.chunks.flatMap((c) => c.pairs)).toHaveLength(498);
    expect(split.chunks.flatMap((c) => c.correspondenceOf)).toEqual(['pat']);
    // What the transaction holds: conversation, message, deliveries, the author's state, chunks, answer.
    const items = 2 + split.plan.message.deliveries.length + split.plan.states.length + split.plan.pairs.length + split.chunks.length + 1;
    expect(items).toBeLessThanOrEqual(100);
    const inChunks = split.chunks.flatMap((c) => c.deliveries.map((d) => d.index));
    expect([...split.plan.message.deliveries.map((_, i) => i), ...inChunks].sort()).toEqual([0, 1]);
  });

  it('deliveries that do not fit go to the chunk of their recipient, with their index', () => {
    const plan = planFor(conversationOf(300));
    const extra = Array.from({ length: 150 }, (_, i) => ({ recipient: { type: 'staff' as const, id: `s${i}` }, channel: 'email' as const, address: `s${i}@example.com`, status: 'queued' as const, purpose: 'notification' as const }));
    plan.message.deliveries.push(...extra);
    const split = splitPlan(plan, 100);
    const inline = split.plan.message.deliveries.length;
    expect(inline).toBeGreaterThan(0);
    expect(split.deliveryCount).toBe(152);
    for (const chunk of split.chunks) {
      for (const d of chunk.deliveries) {
        expect(d.index).toBeGreaterThanOrEqual(inline);
        expect(chunk.parties.map((p) => p.id)).toContain(d.delivery.recipient.id);
      }
    }
    expect(inline + split.chunks.reduce((n, c) => n + c.deliveries.length, 0)).toBe(152);
  });
});

/** The fan-out's store in memory, with the conditions the DynamoDB adapter enforces. */
class InMemoryFanOutStore implements ParticipantFanOutStore {
  conversationRecord: ConversationRecord | null = conversationOf(60);
  readonly states = new Map<string, StateRecord>();
  readonly deliveries = new Map<number, { status: string }>();
  readonly pointers = new Set<string>();
  readonly pairs = new Set<string>();
  readonly doneChunks: number[] = [];
  writes = 0;
  /** Runs once before the next write: a participant acting meanwhile. */
  meanwhile: (() => void) | null = null;

  async conversation() {
    return this.conversationRecord;
  }
  async statesOf(_p: string, _c: string, parties: readonly PartyRef[]) {
    return parties.flatMap((p) => this.states.get(`${p.type}:${p.id}`) ?? []);
  }
  async write(_p: string, _c: ConversationRecord, _chunk: ParticipantChunk, writes: readonly FanOutWrite[]): Promise<'gone' | PartyRef[]> {
    this.meanwhile?.();
    this.meanwhile = null;
    if (!this.conversationRecord) return 'gone';
    const stale: PartyRef[] = [];
    for (const w of writes) {
      if (w.kind === 'state') {
        const key = `${w.state.party.type}:${w.state.party.id}`;
        if (this.states.get(key)?.version !== w.state.version) {
          stale.push(w.state.party);
          continue;
        }
        this.writes++;
        this.states.set(key, { ...w.state, version: (w.state.version ?? 0) + 1 });
      } else if (w.kind === 'delivery') {
        if (this.deliveries.has(w.index)) continue;
        this.writes++;
        this.deliveries.set(w.index, { status: w.delivery.status });
      } else if (w.kind === 'correspondence') {
        if (this.pointers.has(w.patientId)) continue;
        this.writes++;
        this.pointers.add(w.patientId);
      } else {
        this.pairs.add(`${w.providerId}|${w.patientId}`);
      }
    }
    return stale;
  }
  async done(chunk: ParticipantChunk) {
    this.doneChunks.push(chunk.index);
  }
}

const chunk = (over: Partial<ParticipantChunk> = {}): ParticipantChunk => ({
  practiceId: 'practice-1',
  conversationId: 'c1',
  messageId: 'm2',
  at: '2026-11-30T11:00:00.000Z',
  author: { type: 'staff', id: 'author' },
  index: 0,
  parties: [{ type: 'patient', id: 'pat' }, ...Array.from({ length: 20 }, (_, i) => ({ type: 'staff' as const, id: `s${i}` }))],
  deliveries: [{ index: 1, delivery: { recipient: { type: 'patient', id: 'pat' }, channel: 'email', address: 'p@example.com', status: 'queued', purpose: 'notification' } }],
  correspondenceOf: ['pat'],
  pairs: [{ providerId: 's0', patientId: 'pat' }],
  ...over,
});

describe('Participant fan-out off the stream (use case on an in-memory store)', () => {
  let store: InMemoryFanOutStore;
  beforeEach(() => {
    store = new InMemoryFanOutStore();
  });
  const state = (id: string, over: Partial<StateRecord> = {}): StateRecord => ({
    conversationId: 'c1',
    party: { type: 'staff', id },
    status: 'read',
    archived: false,
    starred: false,
    lastMessageAt: T0,
    version: 3,
    ...over,
  });

  it('writes each party’s state unread at the message, brings an archived one back, keeps a star; then marks the chunk done', async () => {
    store.states.set('staff:s1', state('s1', { archived: true }));
    store.states.set('staff:s2', state('s2', { starred: true }));
    expect(await fanOutParticipants({ fanOut: store }, chunk())).toBe('done');
    expect(store.states.size).toBe(21);
    for (const s of store.states.values()) expect([s.status, s.archived, s.lastMessageAt]).toEqual(['unread', false, '2026-11-30T11:00:00.000Z']);
    expect(store.states.get('staff:s2')!.starred).toBe(true);
    expect([...store.deliveries.keys()]).toEqual([1]);
    expect([...store.pointers]).toEqual(['pat']);
    expect([...store.pairs]).toEqual(['s0|pat']);
    expect(store.doneChunks).toEqual([0]);
  });

  it('a replayed chunk writes nothing again and never resets a delivery the dispatcher moved on', async () => {
    await fanOutParticipants({ fanOut: store }, chunk());
    const written = store.writes;
    store.deliveries.set(1, { status: 'sent' });
    store.states.get('staff:s3')!.status = 'read';
    await fanOutParticipants({ fanOut: store }, chunk());
    expect(store.writes).toBe(written);
    expect(store.deliveries.get(1)).toEqual({ status: 'sent' });
    // A state read since the fan-out stays read: the replay does not make it unread again.
    expect(store.states.get('staff:s3')!.status).toBe('read');
  });

  it('a state already at a newer message is left as it is (an older message’s chunk arriving late)', async () => {
    store.states.set('staff:s4', state('s4', { status: 'replied', lastMessageAt: '2026-11-30T12:00:00.000Z' }));
    await fanOutParticipants({ fanOut: store }, chunk());
    expect(store.states.get('staff:s4')).toMatchObject({ status: 'replied', lastMessageAt: '2026-11-30T12:00:00.000Z', version: 3 });
  });

  it('a star set between read and write is read again, never lost', async () => {
    store.states.set('staff:s5', state('s5'));
    store.meanwhile = () => store.states.set('staff:s5', state('s5', { starred: true, version: 4 }));
    await fanOutParticipants({ fanOut: store }, chunk());
    expect(store.states.get('staff:s5')).toMatchObject({ status: 'unread', starred: true });
  });

  it('a conversation deleted meanwhile: nothing is written', async () => {
    store.conversationRecord = null;
    expect(await fanOutParticipants({ fanOut: store }, chunk())).toBe('gone');
    expect(store.states.size).toBe(0);
    expect(store.deliveries.size).toBe(0);
  });

  it('the author’s own state, should a chunk name it, is replied', async () => {
    await fanOutParticipants({ fanOut: store }, chunk({ parties: [{ type: 'staff', id: 'author' }] }));
    expect(store.states.get('staff:author')!.status).toBe('replied');
  });
});
