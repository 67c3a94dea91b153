/** Broadcasts through the HTTP API: exclusions counted at once, fan-out and delivery in the background. */
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice, eventually, outbox } from './api-client.js';
import { freshPhone } from './fixtures.js';

describe('Broadcasts', () => {
  it('a broadcast to a group leaves out a blocked member and a chat-disabled patient, counts both, and delivers to the rest', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const phones = [freshPhone(), freshPhone(), freshPhone(), freshPhone()];
    const reachable1 = await p.patient({ phone: phones[0] });
    const reachable2 = await p.patient({ phone: phones[1] });
    const blockedOne = await p.patient({ phone: phones[2] });
    const chatOff = await p.patient({ phone: phones[3], chat: { directMessaging: false, communityChat: true } });
    const noPhone = await p.patient({ email: 'only.email@example.com' });
    const group = await call('POST', '/v1/groups', { token: staff.token, body: { name: 'Flu clinic' } });
    expect(group.status).toBe(201);
    const members = [reachable1, reachable2, blockedOne, chatOff, noPhone].map((x) => x.id);
    expect((await call('POST', `/v1/groups/${group.body.id}/members`, { token: staff.token, body: { patientIds: members } })).status).toBeLessThan(300);
    expect((await call('POST', '/v1/blocks', { token: staff.token, body: { type: 'phone', value: phones[2] } })).status).toBe(201);

    const res = await call('POST', '/v1/broadcasts', {
      token: staff.token,
      body: { channel: 'sms', body: 'Flu shots available this Saturday', audience: { groupIds: [group.body.id] } },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'preparing' });

    const done = await eventually('the broadcast to finish', () => call('GET', `/v1/broadcasts/${res.body.id}`, { token: staff.token }), (r) => r.body.status === 'done');
    expect(done.body).toMatchObject({ recipients: 2, excluded: { blocked: 1, chatDisabled: 1, noAddress: 1, optedOut: 0, archived: 0 } });
    expect(done.body.counts).toMatchObject({ queued: 0, sent: 2, failed: 0 });
    expect((await outbox('sms', phones[0]!)).map((m) => m.body)).toEqual(['Flu shots available this Saturday']);
    expect(await outbox('sms', phones[1]!)).toHaveLength(1);
    expect(await outbox('sms', phones[2]!)).toHaveLength(0);
    expect(await outbox('sms', phones[3]!)).toHaveLength(0);
  });

  it('each recipient gets a private conversation nobody can reply to, and the sender inbox is not flooded', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages']);
    const a = await p.patient({ email: 'a.bcast@example.com' });
    const b = await p.patient({ email: 'b.bcast@example.com' });
    const res = await call('POST', '/v1/broadcasts', {
      token: staff.token,
      body: { channel: 'portal', subject: 'Holiday hours', body: 'We are closed on Friday.', audience: { patientIds: [a.id, b.id] } },
    });
    expect(res.status).toBe(202);
    const inboxA = await eventually("a's inbox", () => call('GET', '/v1/conversations', { token: a.token }), (r) => r.body.items.length === 1);
    const conv = inboxA.body.items[0];
    expect(conv.participants.map((x: { id: string }) => x.id).sort()).toEqual([a.id, staff.id].sort());
    const view = await call('GET', `/v1/conversations/${conv.id}`, { token: a.token });
    expect(view.body.replyPolicy).toEqual({ canReply: false, reason: 'reply_not_allowed' });
    expectProblem(await call('POST', `/v1/conversations/${conv.id}/messages`, { token: a.token, body: { body: 'Thanks, noted that!' } }), 403, 'reply_not_allowed');
    await eventually('done', () => call('GET', `/v1/broadcasts/${res.body.id}`, { token: staff.token }), (r) => r.body.status === 'done');
    expect((await call('GET', '/v1/conversations', { token: staff.token })).body.items).toHaveLength(0);
  });

  it('needs send_messages, validates the audience, and 404s unknown members', async () => {
    const p = await newPractice();
    const noSend = await p.staff('biller', []);
    const body = { channel: 'sms', body: 'Hello', audience: { patientIds: ['01NOTAPATIENT'] } };
    expectProblem(await call('POST', '/v1/broadcasts', { token: noSend.token, body }), 403, 'forbidden');
    expectProblem(await call('POST', '/v1/broadcasts', { token: p.admin.token, body }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/broadcasts', { token: p.admin.token, body: { ...body, audience: {} } }), 400, 'validation_failed');
    const patient = await p.patient();
    expectProblem(await call('POST', '/v1/broadcasts', { token: patient.token, body }), 403, 'forbidden');
  });
});
