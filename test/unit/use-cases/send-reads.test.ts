/**
 * A send's reads in rounds (use-cases/conversations/send-reads.ts): every read whose keys the
 * participant list gives is started in one turn (one BatchGetItem once the adapters coalesce it),
 * the group chats and the block check in the next; and a block check handed to planDeliveries
 * never hides an address it did not cover.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Party } from '../../../lambdas/domain/conversation-policy.js';
import { reply, startConversation, type ConversationRecord } from '../../../lambdas/use-cases/conversations/index.js';
import { planDeliveries } from '../../../lambdas/use-cases/conversations/deliveries.js';
import { caller } from '../helpers.js';
import { T0, conversationFakes, type Fakes } from './fakes.js';

/** Which turn of the event loop each read started in (a turn ends at setImmediate, as request-batch.ts flushes). */
function turns() {
  let turn = 0;
  let ticking = false;
  const log: { turn: number; read: string }[] = [];
  const tick = () => {
    if (ticking) return;
    ticking = true;
    setImmediate(() => {
      turn++;
      ticking = false;
    });
  };
  const record = (read: string) => {
    tick();
    log.push({ turn, read });
  };
  const rounds = () => {
    const byTurn = new Map<number, string[]>();
    for (const e of log) byTurn.set(e.turn, [...(byTurn.get(e.turn) ?? []), e.read]);
    return [...byTurn.values()];
  };
  return { record, rounds };
}

function traced(f: Fakes) {
  const t = turns();
  const wrap = <T extends object>(target: T, name: string, methods: (keyof T)[]) => {
    for (const m of methods) {
      const original = (target[m] as (...a: unknown[]) => unknown).bind(target);
      // Answered a turn later, as a coalesced BatchGetItem is.
      (target as Record<keyof T, unknown>)[m] = (...args: unknown[]) => {
        t.record(`${name}.${String(m)}`);
        return new Promise((resolve) => setImmediate(() => resolve(original(...args))));
      };
    }
  };
  wrap(f.directory, 'directory', ['getPatients', 'getSettings', 'getStaffMany']);
  wrap(f.conversations, 'conversations', ['statesOf', 'states', 'state']);
  wrap(f.deps.blocks, 'blocks', ['blockedAmong']);
  f.deps.chat = {
    groupIdsOf: (_p, ids) => {
      t.record('chat.groupIdsOf');
      return new Promise((resolve) => setImmediate(() => resolve(new Map(ids.map((id) => [id, []])))));
    },
    effectiveFor: async () => new Map(),
  };
  return t;
}

const pat: Party = { type: 'patient', id: 'pat', name: 'Patient pat', role: 'patient' };
const receptionist: Party = { type: 'staff', id: 'receptionist-1', name: 'receptionist', role: 'receptionist' };
const conversation: ConversationRecord = {
  id: 'conv-1', kind: 'direct', channel: 'sms', subject: null, participants: [receptionist, pat],
  createdBy: { type: 'staff', id: 'receptionist-1' }, createdAt: T0, lastMessageAt: T0, lastDirection: 'outbound',
};

let f: Fakes;
beforeEach(() => {
  f = conversationFakes();
  f.directory.addStaff('receptionist');
  f.directory.addPatient('pat', { phone: '+12025550100' });
  f.setNow(new Date(Date.parse(T0) + 60_000).toISOString());
});

describe('A send reads in two rounds', () => {
  it('a reply: patients, settings, group ids and the participant states together; then the block check', async () => {
    const t = traced(f);
    f.conversations.seed(conversation);
    await reply(f.deps, caller('receptionist', { id: 'receptionist-1' }), 'conv-1', { body: 'See you Tuesday.' });
    expect(t.rounds().map((r) => [...r].sort())).toEqual([
      ['chat.groupIdsOf', 'conversations.statesOf', 'directory.getPatients', 'directory.getSettings'],
      ['blocks.blockedAmong'],
    ]);
    // Both states were read (by key) and written over what was read.
    expect(f.conversations.sent[0]!.states.map((s) => s.party.id).sort()).toEqual(['pat', 'receptionist-1']);
  });

  it('a start: the named people, settings and group ids together; then the block check', async () => {
    const t = traced(f);
    await startConversation(f.deps, caller('receptionist', { id: 'receptionist-1' }), {
      channel: 'sms', participants: [{ type: 'patient', id: 'pat' }], body: 'Hello from the practice.',
    });
    expect(t.rounds().map((r) => [...r].sort())).toEqual([
      ['chat.groupIdsOf', 'directory.getPatients', 'directory.getSettings'],
      ['blocks.blockedAmong'],
    ]);
  });
});

describe('A reply checks the addresses its conversation last used with its first reads', () => {
  it('the same addresses: the block check joins the first round, and no second round is read', async () => {
    const t = traced(f);
    f.conversations.seed({ ...conversation, lookups: ['phone:+12025550100'] });
    await reply(f.deps, caller('receptionist', { id: 'receptionist-1' }), 'conv-1', { body: 'See you Tuesday.' });
    expect(t.rounds().map((r) => [...r].sort())).toEqual([['blocks.blockedAmong', 'chat.groupIdsOf', 'conversations.statesOf', 'directory.getPatients', 'directory.getSettings']]);
    expect(f.conversations.sent[0]!.conversation.lookups).toEqual(['phone:+12025550100']);
    expect(f.conversations.sent[0]!.message.deliveries.map((d) => d.status)).toEqual(['queued']);
  });

  it('a blocked address it expected is blocked (answered with the warning)', async () => {
    f.blocked.add('phone:+12025550100');
    f.conversations.seed({ ...conversation, lookups: ['phone:+12025550100'] });
    const answer = await reply(f.deps, caller('receptionist', { id: 'receptionist-1' }), 'conv-1', { body: 'See you Tuesday.' });
    expect(f.conversations.sent[0]!.message.deliveries.map((d) => d.status)).toEqual(['blocked']);
    expect((answer as { warnings?: { code: string }[] }).warnings?.map((w) => w.code)).toEqual(['recipient_blocked']);
  });

  it('the patient’s number changed since: the new number is checked in a second round, and its block wins', async () => {
    const t = traced(f);
    f.blocked.add('phone:+12025550100');
    f.conversations.seed({ ...conversation, lookups: ['phone:+12025550999'] });
    await reply(f.deps, caller('receptionist', { id: 'receptionist-1' }), 'conv-1', { body: 'See you Tuesday.' });
    expect(t.rounds().map((r) => [...r].sort())).toEqual([
      ['blocks.blockedAmong', 'chat.groupIdsOf', 'conversations.statesOf', 'directory.getPatients', 'directory.getSettings'],
      ['blocks.blockedAmong'],
    ]);
    expect(f.conversations.sent[0]!.message.deliveries.map((d) => d.status)).toEqual(['blocked']);
    // The conversation keeps the addresses this send used.
    expect(f.conversations.sent[0]!.conversation.lookups).toEqual(['phone:+12025550100']);
  });

  it('a start keeps the addresses it checked; something that is not an address is ignored', async () => {
    await startConversation(f.deps, caller('receptionist', { id: 'receptionist-1' }), {
      channel: 'sms', participants: [{ type: 'patient', id: 'pat' }], body: 'Hello from the practice.',
    });
    expect(f.conversations.sent[0]!.conversation.lookups).toEqual(['phone:+12025550100']);
    f.conversations.seed({ ...conversation, id: 'conv-2', lookups: ['nonsense', 'fax:123', 'phone:+12025550100'] });
    await reply(f.deps, caller('receptionist', { id: 'receptionist-1' }), 'conv-2', { body: 'See you Tuesday.' });
    expect(f.conversations.sent[1]!.message.deliveries.map((d) => d.status)).toEqual(['queued']);
  });
});

describe('A block check made with the other reads', () => {
  const facts = { id: 'pat', name: 'Pat', status: 'active' as const, directMessaging: true, communityChat: true, emailNotifications: true, email: 'pat@example.com', phone: '+12025550100', whatsapp: null };

  it('an address it did not cover is checked now: blocks win', async () => {
    f.blocked.add('phone:+12025550100');
    const { deliveries, warnings } = await planDeliveries(f.deps, 'p', 'sms', { type: 'staff', id: 's' }, [facts], [], [], {
      staff: [],
      blocks: { checked: new Set(['email:pat@example.com']), blocked: new Set() },
    });
    expect(deliveries.map((d) => d.status)).toEqual(['blocked']);
    expect(warnings.map((w) => w.code)).toEqual(['recipient_blocked']);
  });

  it('an address it covered is not read again', async () => {
    let reads = 0;
    f.deps.blocks = { blockedAmong: async () => (reads++, new Set()) };
    const { deliveries } = await planDeliveries(f.deps, 'p', 'sms', { type: 'staff', id: 's' }, [facts], [], [], {
      staff: [],
      blocks: { checked: new Set(['phone:+12025550100']), blocked: new Set(['phone:+12025550100']) },
    });
    expect(reads).toBe(0);
    expect(deliveries.map((d) => d.status)).toEqual(['blocked']);
  });
});
