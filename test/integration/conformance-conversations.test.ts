/**
 * Conformance of conversations with the contract (issue 14, items 5, 7, 13, 14): a staff message
 * revives an archived conversation, staff-only messages cannot be deleted, whitespace is not
 * text, call logs are not in the future, and details read as English.
 */
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice } from './api-client.js';
import { BODY, inboxIds, portal, portalScene, pt, replied, reply, st, start, started } from './conversation-helpers.js';
import { errorPaths, succeeded } from './fixtures.js';

const statusOf = async (token: string, id: string): Promise<string> =>
  (await succeeded('get', call('GET', `/v1/conversations/${id}`, { token }), 200)).status;

const archive = (token: string, id: string) =>
  succeeded('archive', call('PATCH', `/v1/conversations/${id}`, { token, body: { archived: true } }), 200);

describe('Conformance: a message from someone else revives an archived conversation for every participant', () => {
  it("a staff reply brings a patient's archived conversation back as unread", async () => {
    const { receptionist, patient, conversation } = await portalScene();
    await archive(patient.token, conversation.id);
    expect(await inboxIds(patient.token)).toEqual([]);

    await replied(receptionist.token, conversation.id, 'We have your results now.');
    expect(await statusOf(patient.token, conversation.id)).toBe('unread');
    expect(await inboxIds(patient.token)).toEqual([conversation.id]);
    expect(await inboxIds(patient.token, 'status=archived')).toEqual([]);
  });

  it('a message between staff brings a colleague\'s archived staff-only conversation back as unread', async () => {
    const p = await newPractice();
    const a = await p.staff('receptionist');
    const b = await p.staff('biller');
    const { conversation } = await started(a.token, portal([st(b)]));
    await archive(b.token, conversation.id);
    await replied(a.token, conversation.id, 'One more thing about the invoice.');
    expect(await statusOf(b.token, conversation.id)).toBe('unread');
    // The author's own archive is theirs: their own message does not change it.
    await archive(a.token, conversation.id);
    await replied(a.token, conversation.id, 'And a last thing about it.');
    expect(await statusOf(a.token, conversation.id)).toBe('archived');
  });
});

describe('Conformance: only outbound messages can be deleted', () => {
  it('a staff-only (internal) message cannot be deleted by its author: 403 delete_not_allowed', async () => {
    const p = await newPractice();
    const a = await p.staff('receptionist');
    const b = await p.staff('biller');
    const { conversation, message } = await started(a.token, portal([st(b)]));
    expect(message.direction).toBe('internal');
    const res = await call('DELETE', `/v1/conversations/${conversation.id}/messages/${message.id}`, { token: a.token });
    expectProblem(res, 403, 'delete_not_allowed');
    // An outbound message of the same author still can.
    const { receptionist, conversation: withPatient } = await portalScene();
    const mine = await replied(receptionist.token, withPatient.id);
    expect(mine.direction).toBe('outbound');
    expect((await call('DELETE', `/v1/conversations/${withPatient.id}/messages/${mine.id}`, { token: receptionist.token })).status).toBe(204);
  });
});

describe('Conformance: text that is only whitespace is not text', () => {
  it('the 10-character portal minimum counts characters after trimming, on start and on reply', async () => {
    const { p, receptionist, patient, conversation } = await portalScene();
    for (const body of [' '.repeat(10), `Hi${' '.repeat(12)}`, `\n\t${' '.repeat(9)}ok\n`]) {
      const started = await start(receptionist.token, portal([pt(patient)], { body }));
      expectProblem(started, 400, 'validation_failed');
      expect(errorPaths(started)).toEqual(['body']);
      const replied = await reply(receptionist.token, conversation.id, body);
      expectProblem(replied, 400, 'validation_failed');
      expect(errorPaths(replied)).toEqual(['body']);
    }
    // Ten characters of text with spaces around them pass.
    expect((await reply(receptionist.token, conversation.id, '   0123456789   ')).status).toBe(201);
    // On SMS, a body of spaces is no body at all.
    const phoned = await p.patient({ phone: '+12025550199' });
    const sms = await start(receptionist.token, { channel: 'sms', participants: [pt(phoned)], body: '     ' });
    expectProblem(sms, 400, 'validation_failed');
    expect(errorPaths(sms)).toEqual(['body']);
  });

  it('a call log more than 5 minutes in the future is refused at occurredAt; a little clock skew is fine', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const log = (occurredAt: string) =>
      call('POST', '/v1/call-logs', {
        token: receptionist.token,
        body: { patientId: patient.id, occurredAt, durationSeconds: 60, direction: 'inbound', summary: 'Asked about the bill' },
      });
    for (const future of ['2099-01-01T10:00:00Z', new Date(Date.now() + 10 * 60_000).toISOString()]) {
      const res = await log(future);
      expectProblem(res, 400, 'validation_failed');
      expect(errorPaths(res), future).toEqual(['occurredAt']);
    }
    expect((await log(new Date(Date.now() + 60_000).toISOString())).status).toBe(201);
    expect((await log(new Date(Date.now() - 3_600_000).toISOString())).status).toBe(201);
  });
});

describe('Conformance: details read as English', () => {
  it('a channel a patient cannot be reached on, and a patient starting with an admin', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ name: 'Nora Nophone' });
    for (const [channel, what] of [
      ['sms', 'has no phone number on file'],
      ['email', 'has no email address on file'],
      ['whatsapp', 'has no WhatsApp number or phone on file'],
    ] as const) {
      const res = await start(receptionist.token, { channel, subject: 'Hello', participants: [pt(patient)], body: BODY });
      expectProblem(res, 422, 'channel_unavailable');
      expect(res.body.detail).toContain(`Nora Nophone ${what}`);
    }
    const admin = await p.staff('admin');
    const res = await start(patient.token, portal([st(admin)]));
    expectProblem(res, 403, 'conversation_rule');
    expect(res.body.detail).toContain('not with an admin');
  });
});
