import { describe, expect, it } from 'vitest';
import type { Caller, Role } from '../../lambdas/domain/caller.js';
import {
  assertCallHappened,
  assertMayDeleteMessage,
  assertMayStart,
  assertReachable,
  assertValidContent,
  replyVerdict,
  type Party,
  type PatientFacts,
} from '../../lambdas/domain/conversation-policy.js';
import { DomainError } from '../../lambdas/domain/errors.js';
import { caller } from './helpers.js';
import { problemCatalogue, publicCode } from '../../lambdas/http/problem.js';

const party = (role: Role, id = `${role}-1`): Party => ({ type: role === 'patient' ? 'patient' : 'staff', id, name: id, role });
const facts = (id: string, over: Partial<PatientFacts> = {}): PatientFacts => ({
  id,
  name: id,
  status: 'active',
  directMessaging: true,
  communityChat: true,
  email: 'x@example.com',
  phone: '+12025550143',
  whatsapp: null,
  ...over,
});

function startCode(initiator: Caller, target: Party, existing = new Map<string, string>()): string {
  try {
    assertMayStart({ initiator, kind: 'direct', channel: 'portal', others: [target], existingWithPatient: existing });
    return 'allowed';
  } catch (e) {
    return publicCode((e as DomainError).kind);
  }
}

describe('Domain: who may start a conversation (one test per cell)', () => {
  const targets: Role[] = ['patient', 'admin', 'receptionist', 'provider', 'biller'];
  const matrix: Record<string, Record<string, string>> = {
    admin: { patient: 'allowed', admin: 'allowed', receptionist: 'allowed', provider: 'allowed', biller: 'allowed' },
    receptionist: { patient: 'allowed', admin: 'allowed', receptionist: 'allowed', provider: 'allowed', biller: 'allowed' },
    biller: { patient: 'allowed', admin: 'allowed', receptionist: 'allowed', provider: 'allowed', biller: 'allowed' },
    provider: { patient: 'allowed', admin: 'allowed', receptionist: 'allowed', provider: 'allowed', biller: 'allowed' },
    patient: {
      patient: 'conversation_rule',
      admin: 'conversation_rule',
      receptionist: 'allowed',
      provider: 'conversation_rule',
      biller: 'allowed',
    },
  };
  for (const [initiator, row] of Object.entries(matrix)) {
    for (const target of targets) {
      it(`${initiator} → ${target}: ${row[target]}`, () => {
        expect(startCode(caller(initiator as Role), party(target as Role))).toBe(row[target]);
      });
    }
  }

  it('a provider → a patient they already have a conversation with: conversation_exists with its id', () => {
    try {
      assertMayStart({
        initiator: caller('provider'),
        kind: 'direct',
        channel: 'portal',
        others: [party('patient', 'pat')],
        existingWithPatient: new Map([['pat', 'conv-1']]),
      });
      expect.unreachable();
    } catch (e) {
      expect(problemCatalogue[(e as DomainError).kind].status).toBe(409);
      expect((e as DomainError).kind).toBe('conversation_exists');
      expect((e as DomainError).data).toEqual({ existingConversationId: 'conv-1' });
    }
  });

  it('a patient starts in the portal only, and never a community chat', () => {
    const base = { initiator: caller('patient'), others: [party('receptionist')], existingWithPatient: new Map() };
    expect(() => assertMayStart({ ...base, kind: 'direct', channel: 'sms' })).toThrowError(expect.objectContaining({ kind: 'conversation_rule' }));
    expect(() => assertMayStart({ ...base, kind: 'community', channel: 'portal' })).toThrowError(expect.objectContaining({ kind: 'conversation_rule' }));
  });
});

describe('Domain: content rules', () => {
  const ok = { channel: 'portal' as const, subject: 'Hello', body: 'Ten chars!', attachmentIds: [] };
  it('portal and email need a subject and 10 characters; sms needs 1', () => {
    expect(() => assertValidContent(ok)).not.toThrow();
    expect(() => assertValidContent({ ...ok, subject: undefined })).toThrowError(expect.objectContaining({ kind: 'validation_failed' }));
    expect(() => assertValidContent({ ...ok, body: 'too short' })).toThrowError(expect.objectContaining({ kind: 'validation_failed' }));
    expect(() => assertValidContent({ ...ok, channel: 'sms', subject: undefined, body: 'k' })).not.toThrow();
    expect(() => assertValidContent({ ...ok, channel: 'sms', body: 'x'.repeat(10_001) })).toThrowError(expect.objectContaining({ kind: 'validation_failed' }));
  });
  it('whitespace is not text: the minimums count what is left after trimming', () => {
    const bodyError = expect.objectContaining({ kind: 'validation_failed', errors: [expect.objectContaining({ path: 'body' })] });
    expect(() => assertValidContent({ ...ok, body: ' '.repeat(10) })).toThrowError(bodyError);
    expect(() => assertValidContent({ ...ok, body: `\n  Hi there \t\n` })).toThrowError(bodyError);
    expect(() => assertValidContent({ ...ok, channel: 'sms', subject: undefined, body: ' \n\t ' })).toThrowError(bodyError);
    expect(() => assertValidContent({ ...ok, body: '  Ten chars!  ' })).not.toThrow();
    expect(() => assertValidContent({ ...ok, channel: 'sms', subject: undefined, body: ' k ' })).not.toThrow();
  });
  it('details read as English: no article before "phone number", "an" before admin', () => {
    const detail = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as DomainError).detail;
      }
      return null;
    };
    expect(detail(() => assertReachable('sms', [facts('Nora', { phone: null })]))).toBe('Nora has no phone number on file, so sms cannot reach them.');
    expect(detail(() => assertReachable('email', [facts('Nora', { email: null })]))).toContain('Nora has no email address on file');
    const initiator = caller('patient');
    expect(detail(() => assertMayStart({ initiator, kind: 'direct', channel: 'portal', others: [party('admin')], existingWithPatient: new Map() }))).toContain(
      'not with an admin',
    );
    expect(detail(() => assertMayStart({ initiator, kind: 'direct', channel: 'portal', others: [party('provider')], existingWithPatient: new Map() }))).toContain(
      'not with a provider',
    );
  });
  it('SMS carries no attachments', () => {
    expect(() => assertValidContent({ ...ok, channel: 'sms', attachmentIds: ['a'] })).toThrowError(expect.objectContaining({ kind: 'attachments_not_allowed' }));
  });
  it('a channel must reach every patient, naming the one it cannot', () => {
    expect(() => assertReachable('email', [facts('a'), facts('b', { email: null })])).toThrowError(
      expect.objectContaining({ kind: 'channel_unavailable', data: { patientId: 'b' } }),
    );
    expect(() => assertReachable('whatsapp', [facts('a', { whatsapp: null })])).not.toThrow();
    expect(() => assertReachable('whatsapp', [facts('a', { whatsapp: null, phone: null })])).toThrow();
  });
});

describe('Domain: who may reply', () => {
  const verdict = (c: Caller, participants: Party[], patients: PatientFacts[], kind: 'direct' | 'community' = 'direct') =>
    replyVerdict({ caller: c, kind, channel: 'portal', participants, patients });

  it('nobody replies where two or more patients are', () => {
    const ps = [party('receptionist', 'receptionist-me'), party('patient', 'a'), party('patient', 'b')];
    expect(verdict(caller('receptionist'), ps, [facts('a'), facts('b')])).toMatchObject({ canReply: false, reason: 'reply_not_allowed' });
    expect(verdict(caller('admin'), ps, [facts('a'), facts('b')])).toMatchObject({ canReply: false, reason: 'reply_not_allowed' });
  });

  it('an inactive patient cannot send where a provider is, but can where only front-office staff are', () => {
    const me = caller('patient', { id: 'pat' });
    const inactive = [facts('pat', { status: 'inactive' })];
    expect(verdict(me, [party('patient', 'pat'), party('provider')], inactive)).toMatchObject({ canReply: false, reason: 'patient_inactive' });
    expect(verdict(me, [party('patient', 'pat'), party('receptionist'), party('biller'), party('admin')], inactive)).toEqual({ canReply: true });
  });

  it('a patient whose direct messaging is off reads but does not send', () => {
    const me = caller('patient', { id: 'pat' });
    expect(verdict(me, [party('patient', 'pat'), party('receptionist')], [facts('pat', { directMessaging: false })])).toMatchObject({
      canReply: false,
      reason: 'chat_disabled',
    });
  });

  it('in a community chat, communityChat decides whether a patient posts', () => {
    const me = caller('patient', { id: 'pat' });
    const ps = [party('patient', 'pat'), party('patient', 'other'), party('receptionist')];
    expect(verdict(me, ps, [facts('pat', { communityChat: false }), facts('other')], 'community')).toMatchObject({ reason: 'chat_disabled' });
    expect(verdict(me, ps, [facts('pat'), facts('other')], 'community')).toEqual({ canReply: true });
  });

  it('non-participants cannot reply; admins can', () => {
    const ps = [party('patient', 'pat'), party('receptionist', 'r-1')];
    expect(verdict(caller('biller'), ps, [facts('pat')])).toMatchObject({ canReply: false, reason: 'not_a_participant' });
    expect(verdict(caller('admin'), ps, [facts('pat')])).toEqual({ canReply: true });
  });

  it('staff without send_messages cannot reply', () => {
    const c = caller('receptionist', { permissions: [] });
    expect(verdict(c, [party('receptionist', c.id), party('patient', 'pat')], [facts('pat')])).toMatchObject({ reason: 'forbidden' });
  });

  it('staff composing to a patient whose chat is off get chat_disabled naming them', () => {
    const c = caller('receptionist');
    const v = verdict(c, [party('receptionist', c.id), party('patient', 'pat')], [facts('pat', { name: 'Pat Jordan', directMessaging: false })]);
    expect(v).toMatchObject({ canReply: false, reason: 'chat_disabled' });
    if (!v.canReply) expect(v.error.detail).toBe('Chat is unavailable for Pat Jordan');
  });
});

describe('Domain: deleting a message', () => {
  const me = caller('receptionist');
  const code = (c: Caller, message: { author: { type: string; id: string }; direction: string }) => {
    try {
      assertMayDeleteMessage(c, message);
      return 'allowed';
    } catch (e) {
      return publicCode((e as DomainError).kind);
    }
  };
  it('staff delete an outbound message they wrote, and nothing else', () => {
    expect(code(me, { author: { type: 'staff', id: me.id }, direction: 'outbound' })).toBe('allowed');
    expect(code(me, { author: { type: 'staff', id: me.id }, direction: 'internal' })).toBe('delete_not_allowed');
    expect(code(me, { author: { type: 'staff', id: me.id }, direction: 'inbound' })).toBe('delete_not_allowed');
    expect(code(me, { author: { type: 'staff', id: 'someone-else' }, direction: 'outbound' })).toBe('delete_not_allowed');
    expect(code(caller('patient'), { author: { type: 'patient', id: 'patient-me' }, direction: 'inbound' })).toBe('delete_not_allowed');
  });
});

describe('Domain: call logs are of calls that happened', () => {
  const now = new Date('2026-11-30T12:00:00.000Z');
  it('occurredAt up to 5 minutes ahead of the clock passes; later is refused at occurredAt', () => {
    expect(() => assertCallHappened('2026-11-30T11:00:00Z', now)).not.toThrow();
    expect(() => assertCallHappened('2026-11-30T12:05:00Z', now)).not.toThrow();
    expect(() => assertCallHappened('2026-11-30T14:05:00+02:00', now)).not.toThrow();
    expect(() => assertCallHappened('2026-11-30T12:05:01Z', now)).toThrowError(
      expect.objectContaining({ kind: 'validation_failed', errors: [expect.objectContaining({ path: 'occurredAt' })] }),
    );
    expect(() => assertCallHappened('2099-01-01T00:00:00Z', now)).toThrow();
  });
});
