import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Party } from '../../../lambdas/domain/conversation-policy.js';
import type { DomainError } from '../../../lambdas/domain/errors.js';
import { markRead, patchOwnState, reply, type ConversationRecord } from '../../../lambdas/use-cases/conversations/index.js';
import { caller } from '../helpers.js';
import { T0, chatOff, conversationFakes, type Fakes, refusal } from './fakes.js';

const BODY = 'Thanks, see you on Tuesday.';
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

const pat: Party = { type: 'patient', id: 'pat', name: 'Patient pat', role: 'patient' };
const receptionist: Party = { type: 'staff', id: 'receptionist-me', name: 'receptionist', role: 'receptionist' };
const provider: Party = { type: 'staff', id: 'provider-me', name: 'provider', role: 'provider' };

const conversation = (over: Partial<ConversationRecord> = {}): ConversationRecord => ({
  id: 'conv-1',
  kind: 'direct',
  channel: 'portal',
  subject: 'Results',
  participants: [receptionist, pat, provider],
  createdBy: { type: 'staff', id: 'receptionist-me' },
  createdAt: T0,
  lastMessageAt: T0,
  lastDirection: 'outbound',
  ...over,
});

let f: Fakes;
beforeEach(() => {
  f = conversationFakes();
  f.directory.addPatient('pat');
  f.setNow(later(T0, 60_000));
});

describe('Replying (use case on in-memory ports)', () => {
  it('unread for the others, replied for the author, and the conversation’s activity moves to the reply', async () => {
    f.conversations.seed(conversation());
    await reply(f.deps, caller('patient', { id: 'pat' }), 'conv-1', { body: BODY });

    const plan = f.conversations.sent[0]!;
    expect(plan.isNew).toBe(false);
    expect(Object.fromEntries(plan.states.map((s) => [s.party.id, s.status]))).toEqual({ 'receptionist-me': 'unread', pat: 'replied', 'provider-me': 'unread' });
    expect(plan.conversation).toMatchObject({ lastMessageAt: later(T0, 60_000), lastDirection: 'inbound' });
    expect(plan.message).toMatchObject({ direction: 'inbound', createdAt: later(T0, 60_000) });
  });

  it('message times move forward even when the replier’s clock is behind the last message', async () => {
    f.conversations.seed(conversation({ lastMessageAt: later(T0, 5_000) }));
    f.setNow(T0);
    await reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY });
    expect(f.conversations.sent[0]!.message.createdAt).toBe(later(T0, 5_001));
  });

  it('writes one delivery per patient recipient on the conversation’s channel, none to staff or to the author', async () => {
    f.directory.addPatient('pat-2', { phone: '+12025550199' });
    const pat2: Party = { type: 'patient', id: 'pat-2', name: 'Patient pat-2', role: 'patient' };
    f.conversations.seed(conversation({ kind: 'community', channel: 'sms', participants: [receptionist, pat, pat2] }));

    await reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY });
    expect(f.conversations.sent[0]!.message.deliveries.map((d) => [d.recipient.id, d.channel, d.address])).toEqual([
      ['pat', 'sms', '+12025550143'],
      ['pat-2', 'sms', '+12025550199'],
    ]);

    await reply(f.deps, caller('patient', { id: 'pat' }), 'conv-1', { body: BODY });
    expect(f.conversations.sent[1]!.message.deliveries.map((d) => d.recipient.id)).toEqual(['pat-2']);
  });

  it('a blocked recipient address: the reply is stored with a blocked delivery and a warning', async () => {
    f.conversations.seed(conversation({ channel: 'sms' }));
    f.blocked.add('phone:+12025550143');
    const out = await reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY });
    expect(f.conversations.sent[0]!.message.deliveries.map((d) => d.status)).toEqual(['blocked']);
    expect(out.warnings?.[0]).toMatchObject({ code: 'recipient_blocked', channel: 'sms' });
  });

  describe('reply rules', () => {
    it('nobody replies to a conversation with two patients: reply_not_allowed, nothing written', async () => {
      f.directory.addPatient('pat-2');
      f.conversations.seed(conversation({ participants: [receptionist, pat, { ...pat, id: 'pat-2' }] }));
      const e = await refusal(reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY }));
      expect(e.kind).toBe('reply_not_allowed');
      expect(f.conversations.writeAttempts).toBe(0);
    });

    it('nobody replies to a call log', async () => {
      f.conversations.seed(conversation({ kind: 'call_log', channel: 'call', participants: [pat, receptionist] }));
      expect((await refusal(reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY }))).kind).toBe('reply_not_allowed');
    });

    it('a staff member who is not a participant may not reply (not_a_participant)', async () => {
      f.conversations.seed(conversation());
      const e = await refusal(reply(f.deps, caller('biller'), 'conv-1', { body: BODY }));
      expect(e.kind).toBe('reply_not_a_participant');
    });

    it('an admin who is not a participant joins by replying', async () => {
      f.conversations.seed(conversation());
      await reply(f.deps, caller('admin'), 'conv-1', { body: BODY });
      const plan = f.conversations.sent[0]!;
      expect(plan.conversation.participants.map((p) => p.id)).toContain('admin-me');
      expect(plan.states.find((s) => s.party.id === 'admin-me')?.status).toBe('replied');
    });

    it('staff without send_messages may not reply', async () => {
      f.conversations.seed(conversation());
      const e = await refusal(reply(f.deps, caller('receptionist', { permissions: [] }), 'conv-1', { body: BODY }));
      expect(e.kind).toBe('reply_forbidden');
    });

    it('an inactive patient may not send where a provider is', async () => {
      f.directory.addPatient('pat', { status: 'inactive' });
      f.conversations.seed(conversation());
      expect((await refusal(reply(f.deps, caller('patient', { id: 'pat' }), 'conv-1', { body: BODY }))).kind).toBe('patient_inactive');
    });

    it('chat off: the patient gets chat_disabled (403), staff composing to them recipient_chat_disabled (422)', async () => {
      f.directory.addPatient('pat', { chat: chatOff({ directMessaging: false }) });
      f.conversations.seed(conversation());
      expect((await refusal(reply(f.deps, caller('patient', { id: 'pat' }), 'conv-1', { body: BODY }))).kind).toBe('chat_disabled');
      expect((await refusal(reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY }))).kind).toBe('recipient_chat_disabled');
    });

    it('an attachment that is not the caller’s ready upload is refused with its path', async () => {
      f.conversations.seed(conversation());
      f.ready.set('receptionist-me', new Set(['att-ok']));
      const e = await refusal(reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY, attachmentIds: ['att-ok', 'att-other'] }));
      expect(e.kind).toBe('attachment_not_ready');
      expect(e.errors).toEqual([{ path: 'attachmentIds.1', message: 'Not a ready attachment of yours' }]);
    });
  });

  describe('racing writers', () => {
    it('a reply conditions on what must hold (participants read, each state’s archive and star), not on versions other replies bump', async () => {
      f.conversations.seed(conversation());
      await reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY });
      const plan = f.conversations.sent[0]!;
      expect(plan.readParticipants).toBe(3);
      expect(plan.states.map((s) => s.readAs)).toEqual([
        { archived: false, starred: false },
        { archived: false, starred: false },
        { archived: false, starred: false },
      ]);
    });

    it('the answer travels with the write (kept for an Idempotency-Key in the same transaction) and is what the caller gets', async () => {
      f.conversations.seed(conversation());
      const answer = await reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY });
      expect(f.conversations.sent[0]!.answer).toEqual(answer);
    });

    afterEach(() => {
      vi.useRealTimers();
    });

    it('a reply that loses a race is decided again on a fresh read and written once', async () => {
      f.conversations.seed(conversation());
      f.conversations.racesToLose = 1;
      await reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY });
      expect(f.conversations.writeAttempts).toBe(2);
      expect(f.conversations.messages).toHaveLength(1);
    });

    it('a reply that loses every race ends in conversation_busy (429 with Retry-After), nothing written', async () => {
      vi.useFakeTimers();
      f.conversations.seed(conversation());
      f.conversations.racesToLose = Number.POSITIVE_INFINITY;
      const outcome = reply(f.deps, caller('receptionist'), 'conv-1', { body: BODY }).then(() => null, (e: unknown) => e as DomainError);
      await vi.runAllTimersAsync();
      expect((await outcome)?.kind).toBe('conversation_busy');
      expect(f.conversations.messages).toHaveLength(0);
    });
  });
});

describe('Per-participant state (use case on in-memory ports)', () => {
  const me = caller('receptionist');
  const mine = () => f.conversations.stateRecords.get('conv-1|staff:receptionist-me');

  beforeEach(async () => {
    f.conversations.seed(conversation());
    await reply(f.deps, caller('patient', { id: 'pat' }), 'conv-1', { body: BODY });
  });

  it('reading twice is the same as reading once, and touches only the reader’s state', async () => {
    expect(mine()?.status).toBe('unread');
    await markRead(f.deps, me, 'conv-1');
    const once = { ...mine(), version: undefined };
    await markRead(f.deps, me, 'conv-1');
    expect({ ...mine(), version: undefined }).toEqual(once);
    expect(once.status).toBe('read');
    expect(f.conversations.stateRecords.get('conv-1|staff:provider-me')?.status).toBe('unread');
  });

  it('archiving or starring twice is the same as once; unarchiving brings it back as read', async () => {
    await patchOwnState(f.deps, me, 'conv-1', { archived: true, starred: true });
    await patchOwnState(f.deps, me, 'conv-1', { archived: true, starred: true });
    expect(mine()).toMatchObject({ archived: true, starred: true, status: 'unread' });
    const view = await patchOwnState(f.deps, me, 'conv-1', { archived: false });
    expect(view).toMatchObject({ status: 'read', starred: true });
  });

  it('a change that races another write is applied over the fresh state, so the other write is kept', async () => {
    f.conversations.racesToLose = 1;
    await patchOwnState(f.deps, me, 'conv-1', { starred: true });
    expect(mine()).toMatchObject({ starred: true, status: 'unread' });
    expect(f.conversations.writeAttempts).toBe(3); // the reply, the lost change, the retried change
  });

  it('only participants have a state to change', async () => {
    const e = await refusal(markRead(f.deps, caller('admin'), 'conv-1'));
    expect(e.kind).toBe('not_a_participant');
  });
});
