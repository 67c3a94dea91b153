import { describe, expect, it } from 'vitest';
import { type Actor, type ApiResponse, call, expectProblem, newPractice } from './api-client.js';
import { BODY, messages, portal, portalScene, pt, replied, st, started } from './conversation-helpers.js';

const messageIds = async (token: string, conversationId: string): Promise<string[]> =>
  (await messages(token, conversationId)).map((m: { id: string }) => m.id);

const note = (token: string, conversationId: string, text: unknown): Promise<ApiResponse> =>
  call('POST', `/v1/conversations/${conversationId}/notes`, { token, body: { text } });

function callLog(token: string, patientId: string, extra: Record<string, unknown> = {}): Promise<ApiResponse> {
  return call('POST', '/v1/call-logs', {
    token,
    body: {
      patientId,
      occurredAt: '2025-03-04T15:30:00.000Z',
      durationSeconds: 240,
      direction: 'inbound',
      summary: 'Patient called about the follow-up appointment.',
      ...extra,
    },
  });
}

describe('Notes to the chart', () => {
  it('a staff participant saves a note on a one-patient conversation; the patient chart lists notes newest first', async () => {
    const { p, receptionist, patient, conversation } = await portalScene();

    const first = await note(receptionist.token, conversation.id, 'Prefers morning appointments.');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      patientId: patient.id,
      conversationId: conversation.id,
      text: 'Prefers morning appointments.',
      author: { type: 'staff', id: receptionist.id },
      createdAt: expect.any(String),
    });
    const second = await note(receptionist.token, conversation.id, 'Asked about payment plans.');
    expect(second.status).toBe(201);

    const listed = await call('GET', `/v1/patients/${patient.id}/notes`, { token: receptionist.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((n: any) => n.text)).toEqual(['Asked about payment plans.', 'Prefers morning appointments.']);
    expect(listed.body.items[1]).toEqual(first.body);
    expect(listed.body.nextCursor).toBeNull();

    const paged = await call('GET', `/v1/patients/${patient.id}/notes?limit=1`, { token: receptionist.token });
    expect(paged.body.items.map((n: any) => n.id)).toEqual([second.body.id]);
    const rest = await call('GET', `/v1/patients/${patient.id}/notes?limit=1&cursor=${paged.body.nextCursor}`, { token: receptionist.token });
    expect(rest.body.items.map((n: any) => n.id)).toEqual([first.body.id]);

    // Another patient's chart has none of them.
    const other = await p.patient();
    expect((await call('GET', `/v1/patients/${other.id}/notes`, { token: receptionist.token })).body.items).toEqual([]);
  });

  it('refuses a note where the conversation has two patients or none', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider');
    const a = await p.patient();
    const b = await p.patient();
    const two = await started(receptionist.token, portal([pt(a), pt(b)]));
    expectProblem(await note(receptionist.token, two.conversation.id, 'Which chart would this go to?'), 422, 'note_not_allowed');
    const none = await started(receptionist.token, portal([st(provider)]));
    expectProblem(await note(receptionist.token, none.conversation.id, 'No chart here.'), 422, 'note_not_allowed');
    expect((await call('GET', `/v1/patients/${a.id}/notes`, { token: receptionist.token })).body.items).toEqual([]);
    expect((await call('GET', `/v1/patients/${b.id}/notes`, { token: receptionist.token })).body.items).toEqual([]);
  });

  it('patients can neither write notes nor read the chart notes', async () => {
    const { patient, conversation } = await portalScene();
    expectProblem(await note(patient.token, conversation.id, 'I am writing on my own chart.'), 403, 'forbidden');
    expectProblem(await call('GET', `/v1/patients/${patient.id}/notes`, { token: patient.token }), 403, 'forbidden');
  });

  it('refuses an empty note or unknown fields', async () => {
    const { receptionist, conversation } = await portalScene();
    expectProblem(await note(receptionist.token, conversation.id, ''), 400, 'validation_failed');
    expectProblem(
      await call('POST', `/v1/conversations/${conversation.id}/notes`, { token: receptionist.token, body: { text: 'ok', pinned: true } }),
      400,
      'validation_failed',
    );
  });

  it("another practice's conversation or patient is 404 for notes", async () => {
    const p = await newPractice();
    const other = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient)]));
    expectProblem(await note(other.admin.token, conversation.id, 'Not my practice.'), 404, 'not_found');
    expectProblem(await call('GET', `/v1/patients/${patient.id}/notes`, { token: other.admin.token }), 404, 'not_found');
  });
});

describe('Call logs', () => {
  it('logs a call as a call message; two calls with one patient share a conversation', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550140' });

    const first = await callLog(receptionist.token, patient.id);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.any(String),
      conversationId: expect.any(String),
      channel: 'call',
      direction: 'inbound',
      author: { type: 'staff', id: receptionist.id },
      body: 'Patient called about the follow-up appointment.',
      createdAt: expect.any(String),
    });
    expect(first.body.deliveries).toEqual([]);

    const second = await callLog(receptionist.token, patient.id, { direction: 'outbound', summary: 'Returned the call; left a voicemail.' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ channel: 'call', direction: 'outbound', body: 'Returned the call; left a voicemail.' });
    expect(second.body.conversationId).toBe(first.body.conversationId);

    const conv = await call('GET', `/v1/conversations/${first.body.conversationId}`, { token: receptionist.token });
    expect(conv.status).toBe(200);
    expect(conv.body.channel).toBe('call');
    expect(conv.body.participants).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'patient', id: patient.id })]));
    expect(await messageIds(receptionist.token, first.body.conversationId)).toEqual([first.body.id, second.body.id]);
    expect(await messageIds(p.admin.token, first.body.conversationId)).toHaveLength(2);

    // Another patient's call goes elsewhere.
    const other = await p.patient();
    const elsewhere = await callLog(receptionist.token, other.id);
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.conversationId).not.toBe(first.body.conversationId);
  });

  it('call logs for one patient sent at once all land in one conversation', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const patient = await p.patient();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => callLog(i % 2 ? biller.token : receptionist.token, patient.id, { summary: `Call number ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(201));
    const conversationIds = new Set(results.map((r) => r.body.conversationId));
    expect(conversationIds.size).toBe(1);
    expect(await messageIds(p.admin.token, results[0]!.body.conversationId)).toHaveLength(5);
  });

  it('a call-log conversation cannot be replied to, and says so in replyPolicy', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550141' });
    const logged = await callLog(receptionist.token, patient.id);
    const id = logged.body.conversationId;
    const conv = await call('GET', `/v1/conversations/${id}`, { token: receptionist.token });
    expect(conv.body.replyPolicy).toEqual({ canReply: false, reason: 'reply_not_allowed' });
    expectProblem(await call('POST', `/v1/conversations/${id}/messages`, { token: receptionist.token, body: { body: BODY } }), 403, 'reply_not_allowed');
    expect(await messageIds(receptionist.token, id)).toEqual([logged.body.id]);
  });

  it('only staff log calls', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    expectProblem(await callLog(patient.token, patient.id), 403, 'forbidden');
  });

  it('refuses an unknown patient or another practice’s patient with 404', async () => {
    const p = await newPractice();
    const other = await newPractice();
    const receptionist = await p.staff('receptionist');
    expectProblem(await callLog(receptionist.token, '01NOSUCHPATIENT'), 404, 'not_found');
    expectProblem(await callLog(receptionist.token, (await other.patient()).id), 404, 'not_found');
  });

  it('refuses an invalid call log, listing every invalid field', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const res = await callLog(receptionist.token, patient.id, { direction: 'sideways', durationSeconds: -5, occurredAt: 'yesterday', summary: '' });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['direction', 'durationSeconds', 'occurredAt', 'summary']);
  });
});

describe('Correspondence', () => {
  it("lists every message with the patient on every channel, newest first, and nothing of other patients' or staff-only conversations", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider');
    const patient = await p.patient({ email: 'corr@example.com', phone: '+12025550150', whatsapp: '+12025550151' });
    const other = await p.patient({ phone: '+12025550152' });

    const expected: string[] = [];
    const a = await started(receptionist.token, portal([pt(patient)]));
    expected.push(a.message.id);
    const b = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'SMS hello' });
    expected.push(b.message.id);
    await started(receptionist.token, { channel: 'sms', participants: [pt(other)], body: 'Not for this patient' });
    await started(receptionist.token, portal([st(provider)], { subject: 'Staff only' }));
    const c = await started(receptionist.token, { channel: 'email', subject: 'Email hello', participants: [pt(patient)], body: BODY });
    expected.push(c.message.id);
    expected.push((await replied(patient.token, a.conversation.id, 'Patient replying on portal')).id);
    const d = await started(provider.token, { channel: 'whatsapp', participants: [pt(patient)], body: 'WhatsApp hello' });
    expected.push(d.message.id);
    const logged = await callLog(receptionist.token, patient.id);
    expect(logged.status).toBe(201);
    expected.push(logged.body.id);

    const res = await call('GET', `/v1/patients/${patient.id}/correspondence?limit=100`, { token: receptionist.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((m: { id: string }) => m.id)).toEqual([...expected].reverse());
    expect(new Set(res.body.items.map((m: { channel: string }) => m.channel))).toEqual(new Set(['portal', 'sms', 'email', 'whatsapp', 'call']));
    expect(res.body.blockedContacts).toEqual([]);
    expect(res.body.nextCursor).toBeNull();
  });

  it('a message in a conversation with two patients is in both patients’ correspondence', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const a = await p.patient();
    const b = await p.patient();
    const { message } = await started(receptionist.token, portal([pt(a), pt(b)]));
    for (const patient of [a, b]) {
      const res = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: receptionist.token });
      expect(res.body.items.map((m: { id: string }) => m.id)).toEqual([message.id]);
    }
  });

  it('pages with a cursor', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550153' });
    const { conversation, message } = await started(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'one' });
    const two = await replied(patient.token, conversation.id, 'two');
    const three = await replied(receptionist.token, conversation.id, 'three');
    const first = await call('GET', `/v1/patients/${patient.id}/correspondence?limit=2`, { token: receptionist.token });
    expect(first.body.items.map((m: { id: string }) => m.id)).toEqual([three.id, two.id]);
    const rest = await call('GET', `/v1/patients/${patient.id}/correspondence?limit=2&cursor=${first.body.nextCursor}`, {
      token: receptionist.token,
    });
    expect(rest.body.items.map((m: { id: string }) => m.id)).toEqual([message.id]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('is for staff only, and 404 for another practice', async () => {
    const p = await newPractice();
    const other = await newPractice();
    const patient = await p.patient();
    expectProblem(await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: patient.token }), 403, 'forbidden');
    expectProblem(await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: other.admin.token }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/patients/01NOSUCHPATIENT/correspondence', { token: p.admin.token }), 404, 'not_found');
    const biller = await p.staff('biller', []);
    const res = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: biller.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null, blockedContacts: [] });
  });
});

describe('Deleting messages', () => {
  it('a staff member deletes an outbound message they wrote; it disappears from the list and the correspondence', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const { conversation, message } = await started(receptionist.token, portal([pt(patient)]));
    const second = await replied(receptionist.token, conversation.id, 'Sent to the wrong patient, sorry');
    const res = await call('DELETE', `/v1/conversations/${conversation.id}/messages/${second.id}`, { token: receptionist.token });
    expect(res.status).toBe(204);
    expect(await messageIds(receptionist.token, conversation.id)).toEqual([message.id]);
    expect(await messageIds(patient.token, conversation.id)).toEqual([message.id]);
    const corr = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: receptionist.token });
    expect(corr.body.items.map((m: { id: string }) => m.id)).toEqual([message.id]);
    // Deleting it again finds nothing.
    expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}/messages/${second.id}`, { token: receptionist.token }), 404, 'not_found');
  });

  it("refuses to delete someone else's message, an inbound message, or by the patient", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const patient = await p.patient();
    const { conversation, message } = await started(receptionist.token, portal([pt(patient), st(biller)]));
    const inbound = await replied(patient.token, conversation.id, 'This one is from the patient');
    const del = (token: string, id: string) => call('DELETE', `/v1/conversations/${conversation.id}/messages/${id}`, { token });

    expectProblem(await del(biller.token, message.id), 403, 'delete_not_allowed');
    expectProblem(await del(receptionist.token, inbound.id), 403, 'delete_not_allowed');
    expectProblem(await del(patient.token, inbound.id), 403, 'delete_not_allowed');
    expectProblem(await del(patient.token, message.id), 403, 'delete_not_allowed');
    expect(await messageIds(receptionist.token, conversation.id)).toEqual([message.id, inbound.id]);
  });

  it('a message id that does not exist, or of another practice, is 404', async () => {
    const p = await newPractice();
    const other = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const { conversation, message } = await started(receptionist.token, portal([pt(patient)]));
    expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}/messages/01NOSUCHMESSAGE`, { token: receptionist.token }), 404, 'not_found');
    expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}/messages/${message.id}`, { token: other.admin.token }), 404, 'not_found');
    expect(await messageIds(receptionist.token, conversation.id)).toEqual([message.id]);
  });
});

describe('Deleting conversations', () => {
  it('the staff member who started it deletes it; it is gone for everyone', async () => {
    const { p, receptionist, patient, conversation } = await portalScene();
    await replied(patient.token, conversation.id, 'A reply before deletion');
    const res = await call('DELETE', `/v1/conversations/${conversation.id}`, { token: receptionist.token });
    expect(res.status).toBe(204);
    for (const actor of [receptionist, patient, p.admin]) {
      expectProblem(await call('GET', `/v1/conversations/${conversation.id}`, { token: actor.token }), 404, 'not_found');
      expectProblem(await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: actor.token }), 404, 'not_found');
    }
    expect((await call('GET', '/v1/conversations', { token: receptionist.token })).body.items).toEqual([]);
    expect((await call('GET', '/v1/conversations', { token: patient.token })).body.items).toEqual([]);
    expect((await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: receptionist.token })).body.items).toEqual([]);
    expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}`, { token: receptionist.token }), 404, 'not_found');
  });

  it('once a provider deletes their conversation with a patient, they may start a new one', async () => {
    const p = await newPractice();
    const provider = await p.staff('provider');
    const patient = await p.patient();
    const { conversation } = await started(provider.token, portal([pt(patient)]));
    const blocked = await call('POST', '/v1/conversations', { token: provider.token, body: portal([pt(patient)]) });
    expectProblem(blocked, 409, 'conversation_exists');
    expect(blocked.body.existingConversationId).toBe(conversation.id);
    expect((await call('DELETE', `/v1/conversations/${conversation.id}`, { token: provider.token })).status).toBe(204);
    const again = await call('POST', '/v1/conversations', { token: provider.token, body: portal([pt(patient)]) });
    expect(again.status).toBe(201);
    expect(again.body.conversation.id).not.toBe(conversation.id);
  });

  it('deleting a conversation while replies arrive leaves nothing behind', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    for (let round = 0; round < 5; round++) {
      const { conversation } = await started(receptionist.token, portal([pt(patient)], { subject: `Round ${round}` }));
      const send = (i: number) =>
        call('POST', `/v1/conversations/${conversation.id}/messages`, { token: patient.token, body: { body: `Racing the delete ${i}` } });
      const results = await Promise.all([
        send(0),
        send(1),
        send(2),
        call('DELETE', `/v1/conversations/${conversation.id}`, { token: receptionist.token }),
        send(3),
        send(4),
        send(5),
      ]);
      expect(results[3]!.status).toBe(204);
      for (const r of results) expect([201, 204, 404]).toContain(r.status);
      expectProblem(await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token }), 404, 'not_found');
      const ghosts = (actor: Actor) =>
        call('GET', '/v1/conversations', { token: actor.token }).then((r) => r.body.items.map((c: { id: string }) => c.id));
      expect.soft(await ghosts(patient), `patient inbox, round ${round}`).toEqual([]);
      expect.soft(await ghosts(receptionist), `receptionist inbox, round ${round}`).toEqual([]);
      const corr = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: receptionist.token });
      expect.soft(corr.body.items.map((m: { id: string }) => m.id), `correspondence, round ${round}`).toEqual([]);
    }
  });

  it('an admin may delete a conversation a staff member started', async () => {
    const { p, receptionist, conversation } = await portalScene();
    expect((await call('DELETE', `/v1/conversations/${conversation.id}`, { token: p.admin.token })).status).toBe(204);
    expectProblem(await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token }), 404, 'not_found');
  });

  it('another staff participant or the patient may not delete a staff-started conversation', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(biller)]));
    expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}`, { token: biller.token }), 403, 'delete_not_allowed');
    expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}`, { token: patient.token }), 403, 'delete_not_allowed');
    expect((await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token })).status).toBe(200);
  });

  it('nobody may delete a conversation a patient started, not even an admin', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const { conversation } = await started(patient.token, portal([st(receptionist)]));
    for (const actor of [receptionist, p.admin, patient]) {
      expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}`, { token: actor.token }), 403, 'delete_not_allowed');
    }
    expect((await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token })).status).toBe(200);
  });

  it("another practice's admin cannot delete it (404) and it stays", async () => {
    const p = await newPractice();
    const other = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient)]));
    expectProblem(await call('DELETE', `/v1/conversations/${conversation.id}`, { token: other.admin.token }), 404, 'not_found');
    expect((await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token })).status).toBe(200);
  });
});
