import { describe, expect, it } from 'vitest';
import { type Actor, type ApiResponse, call, eventually, expectProblem, newPractice, outbox, tokenFor } from './api-client.js';
import { freshPhone } from './fixtures.js';
import { BODY, portal, portalScene, pt, reply, st, started } from './conversation-helpers.js';

function view(token: string, conversationId: string): Promise<ApiResponse> {
  return call('GET', `/v1/conversations/${conversationId}`, { token });
}

async function allMessages(token: string, conversationId: string, limit = 100): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await call('GET', `/v1/conversations/${conversationId}/messages?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    if (res.status !== 200) throw new Error(`messages: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

/** Asserts the reply is refused with `status code` and that GET reports the same refusal in replyPolicy. */
async function expectRefusedEverywhere(actor: Actor, conversationId: string, status: number, code: string) {
  const policy = await view(actor.token, conversationId);
  expect(policy.status).toBe(200);
  expect(policy.body.replyPolicy).toEqual({ canReply: false, reason: code });
  expectProblem(await reply(actor.token, conversationId), status, code);
}

async function expectAllowedEverywhere(actor: Actor, conversationId: string) {
  const policy = await view(actor.token, conversationId);
  expect(policy.status).toBe(200);
  expect(policy.body.replyPolicy).toEqual({ canReply: true });
  const res = await reply(actor.token, conversationId);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

describe('Replying: the message', () => {
  it('a staff reply to a patient is outbound with a delivery per patient; the patient reply is inbound with none', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550120' });
    const { conversation } = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'First' });

    const fromPatient = await reply(patient.token, conversation.id, 'Thanks, see you then');
    expect(fromPatient.status).toBe(201);
    expect(fromPatient.body).toMatchObject({
      id: expect.any(String),
      conversationId: conversation.id,
      channel: 'sms',
      direction: 'inbound',
      author: { type: 'patient', id: patient.id },
      body: 'Thanks, see you then',
      attachments: [],
      createdAt: expect.any(String),
      deliveries: [],
    });

    const fromStaff = await reply(receptionist.token, conversation.id, 'Great');
    expect(fromStaff.status).toBe(201);
    expect(fromStaff.body).toMatchObject({ direction: 'outbound', author: { type: 'staff', id: receptionist.id }, channel: 'sms' });
    expect(fromStaff.body.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: patient.id }, channel: 'sms', address: '+12025550120', status: 'queued' }),
    ]);

    const listed = await allMessages(receptionist.token, conversation.id);
    expect(listed.map((m) => m.body)).toEqual(['First', 'Thanks, see you then', 'Great']);
    // The dispatcher may already have moved the delivery on from queued; everything else is as answered.
    const moved = (d: { status: string }) => ({ ...d, status: expect.stringMatching(/^(queued|sending|sent)$/) });
    expect(listed[2]).toEqual({ ...fromStaff.body, deliveries: fromStaff.body.deliveries.map(moved) });
  });

  it('a reply between staff only is internal', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider');
    const { conversation } = await started(receptionist.token, portal([st(provider)]));
    const res = await reply(provider.token, conversation.id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ direction: 'internal', author: { type: 'staff', id: provider.id }, deliveries: [] });
  });

  it('a portal reply to a patient with an email queues the portal message and a notification email', async () => {
    const { receptionist, patient, conversation } = await portalScene({ email: 'reply.notify@example.com' });
    const res = await reply(receptionist.token, conversation.id);
    expect(res.status).toBe(201);
    expect(res.body.deliveries).toHaveLength(2);
    expect(res.body.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient: { type: 'patient', id: patient.id }, channel: 'portal', address: null, status: 'delivered' }),
        expect.objectContaining({ recipient: { type: 'patient', id: patient.id }, channel: 'email', address: 'reply.notify@example.com', status: 'queued' }),
      ]),
    );
  });

  it('moves the conversation lastMessageAt to the reply', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    const res = await reply(patient.token, conversation.id, 'A reply from me');
    const after = await view(receptionist.token, conversation.id);
    expect(after.body.lastMessageAt).toBe(res.body.createdAt);
    expect(after.body.lastMessageAt >= conversation.lastMessageAt).toBe(true);
  });

  it('refuses an empty body, a body over 10,000 characters and unknown fields', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550121' });
    const { conversation } = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'Hi' });
    expectProblem(await reply(receptionist.token, conversation.id, ''), 400, 'validation_failed');
    expectProblem(await reply(receptionist.token, conversation.id, 'x'.repeat(10_001)), 400, 'validation_failed');
    expectProblem(await reply(receptionist.token, conversation.id, { body: 'Hi', channel: 'email' }), 400, 'validation_failed');
    expect((await reply(receptionist.token, conversation.id, 'x'.repeat(10_000))).status).toBe(201);
    expect((await reply(receptionist.token, conversation.id, 'y')).status).toBe(201);
    expect(await allMessages(receptionist.token, conversation.id)).toHaveLength(3);
  });

  it('refuses attachments on an sms conversation and unknown attachment ids elsewhere', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550122' });
    const sms = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'Hi' });
    expectProblem(await reply(receptionist.token, sms.conversation.id, { body: BODY, attachmentIds: ['01ATT'] }), 400, 'attachments_not_allowed');
    const web = await started(receptionist.token, portal([pt(patient)]));
    expectProblem(await reply(receptionist.token, web.conversation.id, { body: BODY, attachmentIds: ['01ATT'] }), 400, 'attachment_not_ready');
    expectProblem(await reply(patient.token, web.conversation.id, { body: BODY, attachmentIds: ['01ATT'] }), 400, 'attachment_not_ready');
    expect(await allMessages(receptionist.token, web.conversation.id)).toHaveLength(1);
  });

  it('the same Idempotency-Key and body returns the first reply and stores it once', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    const send = (body: string) =>
      call('POST', `/v1/conversations/${conversation.id}/messages`, { token: patient.token, body: { body }, headers: { 'idempotency-key': 'reply-1' } });
    const first = await send('Only once, please');
    const again = await send('Only once, please');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await allMessages(receptionist.token, conversation.id)).toHaveLength(2);
    expectProblem(await send('Something else entirely'), 409, 'idempotency_key_reused');
  });

  it('a token naming someone who is not in the practice directory gets 403 unknown_caller', async () => {
    const { p, patient, conversation } = await portalScene();
    const ghost = await tokenFor(p.practiceId, 'no-such-patient', 'patient');
    expectProblem(await reply(ghost, conversation.id), 403, 'unknown_caller');
    expectProblem(await call('GET', '/v1/conversations', { token: ghost }), 403, 'unknown_caller');
    const pretender = await tokenFor(p.practiceId, patient.id, 'receptionist');
    expectProblem(await reply(pretender, conversation.id), 403, 'unknown_caller');
  });

  it('a reply to a conversation that does not exist is 404', async () => {
    const p = await newPractice();
    expectProblem(await reply(p.admin.token, '01NOSUCHCONVERSATION'), 404, 'not_found');
  });
});

describe('Replying: the block check of the addresses the last send used', () => {
  it('a patient whose number changed since the last send: the new number is checked and its block wins; nothing reaches it, and the old number gets nothing', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const oldPhone = freshPhone();
    let newPhone = freshPhone();
    while (newPhone === oldPhone) newPhone = freshPhone();
    const patient = await p.patient({ phone: oldPhone });
    const { conversation } = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'First' });
    const first = await reply(receptionist.token, conversation.id, 'To the old number');
    expect(first.body.deliveries).toMatchObject([{ address: oldPhone, status: 'queued' }]);

    expect((await call('PATCH', `/v1/patients/${patient.id}`, { token: p.admin.token, body: { phone: newPhone } })).status).toBe(200);
    const block = await call('POST', '/v1/blocks', { token: receptionist.token, body: { type: 'phone', value: newPhone } });
    expect(block.status).toBe(201);
    const second = await reply(receptionist.token, conversation.id, 'To the new number');
    expect(second.status).toBe(201);
    expect(second.body.deliveries).toMatchObject([{ address: newPhone, status: 'blocked' }]);
    expect(second.body.warnings).toMatchObject([{ code: 'recipient_blocked' }]);

    // Unblocked, the next reply (which now expects the new number) reaches it.
    expect((await call('DELETE', `/v1/blocks/${block.body.id}`, { token: receptionist.token })).status).toBe(204);
    const third = await reply(receptionist.token, conversation.id, 'Now it reaches you');
    expect(third.body.deliveries).toMatchObject([{ address: newPhone, status: 'queued' }]);
    await eventually('the third reply sent', () => outbox('sms', newPhone), (sent) => sent.length === 1);
    expect((await outbox('sms', newPhone)).map((m) => m.body)).toEqual(['Now it reaches you']);
    expect((await outbox('sms', oldPhone)).map((m) => m.body)).not.toContain('To the new number');
  });
});

describe('Replying: who may reply (and replyPolicy says the same)', () => {
  it('nobody replies to a conversation with two or more patients', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const a = await p.patient();
    const b = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(a), pt(b)]));
    for (const actor of [receptionist, a, b, p.admin]) {
      await expectRefusedEverywhere(actor, conversation.id, 403, 'reply_not_allowed');
    }
    expect(await allMessages(receptionist.token, conversation.id)).toHaveLength(1);
  });

  it('the same people can reply where the conversation has only one patient', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const a = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(a)]));
    for (const actor of [receptionist, a]) await expectAllowedEverywhere(actor, conversation.id);
  });

  it('an inactive patient cannot send where a provider participates', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider');
    const patient = await p.patient({ status: 'inactive' });
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(provider)]));
    await expectRefusedEverywhere(patient, conversation.id, 403, 'patient_inactive');
    // The staff in it still can.
    await expectAllowedEverywhere(provider, conversation.id);
    await expectAllowedEverywhere(receptionist, conversation.id);
  });

  it('an inactive patient can send where only receptionists, billers and admins are', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const admin = await p.staff('admin');
    const patient = await p.patient({ status: 'inactive' });
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(biller), st(admin)]));
    await expectAllowedEverywhere(patient, conversation.id);
  });

  it('a patient made inactive later loses the reply where a provider is, and gets it back when reactivated', async () => {
    const p = await newPractice();
    const provider = await p.staff('provider');
    const patient = await p.patient();
    const { conversation } = await started(provider.token, portal([pt(patient)]));
    await expectAllowedEverywhere(patient, conversation.id);
    await call('PATCH', `/v1/patients/${patient.id}`, { token: p.admin.token, body: { status: 'inactive' } });
    await expectRefusedEverywhere(patient, conversation.id, 403, 'patient_inactive');
    await call('PATCH', `/v1/patients/${patient.id}`, { token: p.admin.token, body: { status: 'active' } });
    await expectAllowedEverywhere(patient, conversation.id);
  });

  it('a patient whose direct messaging is off reads but cannot send, and staff cannot compose to them', async () => {
    const { p, receptionist, patient, conversation } = await portalScene({ name: 'Dora Disabled' });
    const off = await call('PATCH', `/v1/patients/${patient.id}`, {
      token: p.admin.token,
      body: { chat: { directMessaging: false, communityChat: true } },
    });
    expect(off.body.effectiveChat.directMessaging.value).toBe(false);

    // The patient still reads.
    expect((await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: patient.token })).status).toBe(200);
    await expectRefusedEverywhere(patient, conversation.id, 403, 'chat_disabled');

    const policy = await view(receptionist.token, conversation.id);
    expect(policy.body.replyPolicy).toEqual({ canReply: false, reason: 'chat_disabled' });
    const staffReply = await reply(receptionist.token, conversation.id);
    expectProblem(staffReply, 422, 'chat_disabled');
    expect(staffReply.body.detail).toBe('Chat is unavailable for Dora Disabled');
    expect(await allMessages(receptionist.token, conversation.id)).toHaveLength(1);

    await call('PATCH', `/v1/patients/${patient.id}`, { token: p.admin.token, body: { chat: { directMessaging: true, communityChat: true } } });
    await expectAllowedEverywhere(patient, conversation.id);
    await expectAllowedEverywhere(receptionist, conversation.id);
  });

  it('a staff member who is not a participant can neither read nor reply; an admin may read', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const outsider = await p.staff('receptionist');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient)]));

    expectProblem(await view(outsider.token, conversation.id), 403, 'not_a_participant');
    expectProblem(await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: outsider.token }), 403, 'not_a_participant');
    expectProblem(await reply(outsider.token, conversation.id), 403, 'not_a_participant');

    const asAdmin = await view(p.admin.token, conversation.id);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.id).toBe(conversation.id);
    const adminMessages = await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: p.admin.token });
    expect(adminMessages.status).toBe(200);
    expect(adminMessages.body.items).toHaveLength(1);
    expect(await allMessages(receptionist.token, conversation.id)).toHaveLength(1);
  });

  it('an admin who is not a participant may reply (only participants and admins may read or reply)', async () => {
    const { p, conversation } = await portalScene();
    await expectAllowedEverywhere(p.admin, conversation.id);
  });

  it('a patient who is not a participant can neither read nor reply', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const stranger = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient)]));
    expectProblem(await view(stranger.token, conversation.id), 403, 'not_a_participant');
    expectProblem(await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: stranger.token }), 403, 'not_a_participant');
    expectProblem(await reply(stranger.token, conversation.id), 403, 'not_a_participant');
  });

  it('a participant staff member without send_messages reads but cannot reply', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller', []);
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(biller)]));
    expect((await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: biller.token })).status).toBe(200);
    await expectRefusedEverywhere(biller, conversation.id, 403, 'forbidden');
    await call('PATCH', `/v1/staff/${biller.id}`, { token: p.admin.token, body: { permissions: ['send_messages'] } });
    await expectAllowedEverywhere(biller, conversation.id);
  });
});

describe('Replying: community chats', () => {
  it('in a community chat patients with community chat on post; those with it off read but get chat_disabled', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const on = await p.patient({ chat: { directMessaging: true, communityChat: true } });
    const off = await p.patient({ chat: { directMessaging: true, communityChat: false } });
    const { conversation } = await started(receptionist.token, portal([pt(on), pt(off)], { kind: 'community' }));
    await expectAllowedEverywhere(on, conversation.id);
    expect((await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: off.token })).status).toBe(200);
    await expectRefusedEverywhere(off, conversation.id, 403, 'chat_disabled');
    // Everyone sees everyone, and the staff member may post too.
    expect((await view(off.token, conversation.id)).body.participants).toHaveLength(3);
    await expectAllowedEverywhere(receptionist, conversation.id);
    expect(await allMessages(receptionist.token, conversation.id)).toHaveLength(3);
  });
});

describe('Messages: listing', () => {
  it('lists oldest first and pages with a cursor, each message once', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550123' });
    const { conversation } = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'm0' });
    for (let i = 1; i <= 6; i++) {
      const author = i % 2 ? patient : receptionist;
      expect((await reply(author.token, conversation.id, `m${i}`)).status).toBe(201);
    }
    const first = await call('GET', `/v1/conversations/${conversation.id}/messages?limit=3`, { token: receptionist.token });
    expect(first.status).toBe(200);
    expect(first.body.items.map((m: any) => m.body)).toEqual(['m0', 'm1', 'm2']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const paged = await allMessages(receptionist.token, conversation.id, 3);
    expect(paged.map((m) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    // A cursor is its caller's own (API.md v1.1: another caller's is 400 invalid_cursor): the patient pages with theirs.
    const patientFirst = await call('GET', `/v1/conversations/${conversation.id}/messages?limit=3`, { token: patient.token });
    const last = await call('GET', `/v1/conversations/${conversation.id}/messages?limit=3&cursor=${patientFirst.body.nextCursor}`, {
      token: patient.token,
    });
    expect(last.body.items.map((m: any) => m.body)).toEqual(['m3', 'm4', 'm5']);
    const whole = await call('GET', `/v1/conversations/${conversation.id}/messages?limit=7`, { token: receptionist.token });
    expect(whole.body.items).toHaveLength(7);
  });

  it('refuses a bad limit or cursor', async () => {
    const { receptionist, conversation } = await portalScene();
    for (const q of ['limit=0', 'limit=101', 'cursor=garbage']) {
      expectProblem(await call('GET', `/v1/conversations/${conversation.id}/messages?${q}`, { token: receptionist.token }), 400, 'validation_failed');
    }
  });
});

describe('Replying: concurrency', () => {
  it('ten replies sent at once by one caller are all stored', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550124' });
    const { conversation } = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'first' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => reply(receptionist.token, conversation.id, `parallel ${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const listed = await allMessages(receptionist.token, conversation.id);
    expect(listed).toHaveLength(11);
    expect(new Set(listed.map((m) => m.id)).size).toBe(11);
    expect(listed.map((m) => m.body).sort()).toEqual(['first', ...Array.from({ length: 10 }, (_, i) => `parallel ${i}`)].sort());
  });

  it('after replies sent at once, lastMessageAt is the time of the newest message', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    // A few rounds, because a lost update shows only when commits land out of order.
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => reply(receptionist.token, conversation.id, `round ${round} reply ${i}`)));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      const listed = await allMessages(receptionist.token, conversation.id);
      const newest = listed.map((m) => m.createdAt).sort().at(-1);
      expect((await view(receptionist.token, conversation.id)).body.lastMessageAt, `round ${round}`).toBe(newest);
      expect((await view(patient.token, conversation.id)).body.lastMessageAt, `round ${round}`).toBe(newest);
    }
  });

  it("after replies from several callers at once, each participant's status follows the latest message", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(biller)]));
    const people = [receptionist, biller, patient];
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        Array.from({ length: 9 }, (_, i) => reply(people[i % 3]!.token, conversation.id, `round ${round} message ${i}`)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(9).fill(201));
      const listed = await allMessages(receptionist.token, conversation.id);
      const last = listed.at(-1);
      for (const person of people) {
        const expected = last.author.id === person.id ? 'replied' : 'unread';
        expect((await view(person.token, conversation.id)).body.status, `round ${round}, ${person.id}`).toBe(expected);
      }
    }
  });

  it('a star set while replies arrive is kept, and the replies still leave it unread', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    for (let round = 0; round < 5; round++) {
      const starred = round % 2 === 0;
      const [star, ...replies] = await Promise.all([
        call('PATCH', `/v1/conversations/${conversation.id}`, { token: receptionist.token, body: { starred } }),
        ...Array.from({ length: 8 }, (_, i) => reply(patient.token, conversation.id, `round ${round} patient ${i}`)),
      ]);
      expect(star!.status).toBe(200);
      expect(replies.map((r) => r.status)).toEqual(Array(8).fill(201));
      const seen = await view(receptionist.token, conversation.id);
      expect.soft(seen.body.starred, `starred, round ${round}`).toBe(starred);
      // Starring changes nothing else: the patient's messages still leave it unread.
      expect.soft(seen.body.status, `status, round ${round}`).toBe('unread');
    }
  });

  it('ten replies sent at once by several callers are all stored, and everyone sees the same list', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const admin = await p.staff('admin');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(biller), st(admin)]));
    const authors = [receptionist, biller, admin, patient];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => reply(authors[i % authors.length]!.token, conversation.id, `from many ${i}`)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    const seenByStaff = await allMessages(receptionist.token, conversation.id);
    const seenByPatient = await allMessages(patient.token, conversation.id);
    expect(seenByStaff).toHaveLength(11);
    expect(seenByPatient.map((m) => m.id)).toEqual(seenByStaff.map((m) => m.id));
    expect(seenByStaff.map((m) => m.body).sort()).toEqual(['Hello, this is a message from the practice.', ...Array.from({ length: 10 }, (_, i) => `from many ${i}`)].sort());
  });

  it('after replies sent at once, the message list is still oldest first by createdAt', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(biller)]));
    const people = [receptionist, biller, patient];
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 9 }, (_, i) => reply(people[i % 3]!.token, conversation.id, `round ${round} message ${i}`)));
      const times = (await allMessages(receptionist.token, conversation.id)).map((m) => m.createdAt);
      expect(times, `round ${round}`).toEqual([...times].sort());
    }
  });
});
