import { beforeEach, describe, expect, it } from 'vitest';
import type { DomainError } from '../../../lambdas/domain/errors.js';
import { startConversation, type StartInput } from '../../../lambdas/use-cases/conversations/index.js';
import { caller } from '../helpers.js';
import { T0, chatOff, conversationFakes, type Fakes, refusal } from './fakes.js';

const BODY = 'Your lab results are ready to view.';
const portalTo = (...participants: StartInput['participants']): StartInput => ({ channel: 'portal', subject: 'Results', body: BODY, participants });
const patient = (id: string) => ({ type: 'patient' as const, id });
const staff = (id: string) => ({ type: 'staff' as const, id });

let f: Fakes;
beforeEach(() => {
  f = conversationFakes();
  f.directory.addPatient('pat');
  f.directory.addStaff('receptionist', 'receptionist-me');
  f.directory.addStaff('provider', 'provider-me');
  f.directory.addStaff('provider', 'provider-2');
});

describe('Starting a conversation (use case on in-memory ports)', () => {
  it('writes the conversation, the message and one state per participant: replied for the author, unread for the others', async () => {
    const out = await startConversation(f.deps, caller('receptionist'), portalTo(patient('pat'), staff('provider-2')));

    expect(f.conversations.sent).toHaveLength(1);
    const plan = f.conversations.sent[0]!;
    expect(plan.isNew).toBe(true);
    expect(plan.message).toMatchObject({ body: BODY, direction: 'outbound', author: { type: 'staff', id: 'receptionist-me' }, createdAt: T0 });
    expect(Object.fromEntries(plan.states.map((s) => [s.party.id, s.status]))).toEqual({ 'receptionist-me': 'replied', pat: 'unread', 'provider-2': 'unread' });
    expect(plan.correspondenceOf).toEqual(['pat']);
    expect(out.conversation).toMatchObject({ status: 'replied', replyPolicy: { canReply: true } });
  });

  it('a portal message delivers in the portal and notifies each patient by email; staff get no delivery', async () => {
    f.directory.addPatient('pat-2');
    await startConversation(f.deps, caller('receptionist'), portalTo(patient('pat'), patient('pat-2'), staff('provider-2')));

    const deliveries = f.conversations.sent[0]!.message.deliveries;
    expect(deliveries.map((d) => [d.recipient.id, d.channel, d.purpose, d.status])).toEqual([
      ['pat', 'portal', 'message', 'delivered'],
      ['pat', 'email', 'notification', 'queued'],
      ['pat-2', 'portal', 'message', 'delivered'],
      ['pat-2', 'email', 'notification', 'queued'],
    ]);
  });

  it('an SMS is queued to the patient’s phone', async () => {
    await startConversation(f.deps, caller('receptionist'), { channel: 'sms', body: 'See you at 3pm.', participants: [patient('pat')] });
    expect(f.conversations.sent[0]!.message.deliveries).toEqual([
      { recipient: { type: 'patient', id: 'pat' }, channel: 'sms', address: '+12025550143', status: 'queued', purpose: 'message' },
    ]);
  });

  describe('who may start with whom (a few cells; the domain tests hold the matrix)', () => {
    it('a patient may start with a receptionist', async () => {
      await startConversation(f.deps, caller('patient', { id: 'pat' }), portalTo(staff('receptionist-me')));
      expect(f.conversations.sent).toHaveLength(1);
      expect(f.conversations.sent[0]!.message.direction).toBe('inbound');
    });

    it('a patient may not start with a provider: conversation_rule, and nothing is written', async () => {
      const e = await refusal(startConversation(f.deps, caller('patient', { id: 'pat' }), portalTo(staff('provider-2'))));
      expect(e.kind).toBe('conversation_rule');
      expect(f.conversations.writeAttempts).toBe(0);
    });

    it('a provider who already has a conversation with the patient gets conversation_exists with its id', async () => {
      await startConversation(f.deps, caller('provider'), portalTo(patient('pat')));
      const first = f.conversations.sent[0]!.conversation.id;

      const e = await refusal(startConversation(f.deps, caller('provider'), portalTo(patient('pat'))));
      expect(e.kind).toBe('conversation_exists');
      expect(e.data).toEqual({ existingConversationId: first });
      expect(f.conversations.sent).toHaveLength(1);
    });

    it('another provider is not held back by the first provider’s conversation with the patient', async () => {
      await startConversation(f.deps, caller('provider'), portalTo(patient('pat')));
      await startConversation(f.deps, caller('provider', { id: 'provider-2' }), portalTo(patient('pat')));
      expect(f.conversations.sent).toHaveLength(2);
    });

    it('naming nobody but yourself is a validation error', async () => {
      const e = await refusal(startConversation(f.deps, caller('receptionist'), portalTo(staff('receptionist-me'))));
      expect(e.kind).toBe('validation_failed');
      expect(e.errors?.[0]?.path).toBe('participants');
    });
  });

  describe('chat disabled: two answers for one public code', () => {
    it('staff composing to a patient whose direct messaging is off: recipient_chat_disabled (422 chat_disabled)', async () => {
      f.directory.addPatient('pat', { chat: chatOff({ directMessaging: false }) });
      const e = await refusal(startConversation(f.deps, caller('receptionist'), portalTo(patient('pat'))));
      expect(e.kind).toBe('recipient_chat_disabled');
      expect(f.conversations.writeAttempts).toBe(0);
    });

    it('a patient whose direct messaging is off cannot start one: chat_disabled (403)', async () => {
      f.directory.addPatient('pat', { chat: chatOff({ directMessaging: false }) });
      const e = await refusal(startConversation(f.deps, caller('patient', { id: 'pat' }), portalTo(staff('receptionist-me'))));
      expect(e.kind).toBe('chat_disabled');
    });
  });

  describe('blocked and unreachable recipients', () => {
    it('a blocked address: the message is still written, its delivery stored as blocked, and the answer warns', async () => {
      f.blocked.add('phone:+12025550143');
      const out = await startConversation(f.deps, caller('receptionist'), { channel: 'sms', body: 'See you at 3pm.', participants: [patient('pat')] });

      expect(f.conversations.sent[0]!.message.deliveries.map((d) => d.status)).toEqual(['blocked']);
      expect(out.warnings).toEqual([{ code: 'recipient_blocked', recipient: { type: 'patient', id: 'pat' }, channel: 'sms', address: '+12025550143' }]);
    });

    it('a blocked notification email: the portal delivery stands, only the notification is blocked', async () => {
      f.blocked.add('email:pat@example.com');
      const out = await startConversation(f.deps, caller('receptionist'), portalTo(patient('pat')));

      expect(f.conversations.sent[0]!.message.deliveries.map((d) => [d.channel, d.status])).toEqual([
        ['portal', 'delivered'],
        ['email', 'blocked'],
      ]);
      expect(out.warnings?.map((w) => w.channel)).toEqual(['email']);
    });

    it('no warning when nothing is blocked', async () => {
      const out = await startConversation(f.deps, caller('receptionist'), portalTo(patient('pat')));
      expect(out).not.toHaveProperty('warnings');
    });

    it('email to a patient without an email address: channel_unavailable naming the patient', async () => {
      f.directory.addPatient('pat', { email: null });
      const e = await refusal(startConversation(f.deps, caller('receptionist'), { ...portalTo(patient('pat')), channel: 'email' }));
      expect(e.kind).toBe('channel_unavailable');
      expect(e.data).toEqual({ patientId: 'pat' });
    });
  });
});
