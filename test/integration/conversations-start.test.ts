import { describe, expect, it } from 'vitest';
import { type Actor, call, expectProblem, newPractice } from './api-client.js';
import { BODY, portal, portalScene, pt, st, start, started } from './conversation-helpers.js';
import { errorPaths } from './fixtures.js';

describe('Starting a conversation: the answer', () => {
  it('answers 201 with the conversation (as GET shows it) and the first message, the caller added as a participant', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ name: 'Nora Quill' });
    const res = await start(receptionist.token, portal([pt(patient)], { subject: 'Your results' }));
    expect(res.status).toBe(201);
    const { conversation, message } = res.body;
    expect(conversation).toMatchObject({
      id: expect.any(String),
      channel: 'portal',
      subject: 'Your results',
      createdAt: expect.any(String),
      lastMessageAt: expect.any(String),
      starred: false,
      replyPolicy: { canReply: true },
    });
    expect(conversation.createdBy).toBeDefined();
    expect(conversation.participants).toHaveLength(2);
    expect(conversation.participants).toEqual(
      expect.arrayContaining([
        { type: 'patient', id: patient.id, name: 'Nora Quill' },
        { type: 'staff', id: receptionist.id, name: receptionist.body.name },
      ]),
    );
    expect(message).toMatchObject({
      id: expect.any(String),
      conversationId: conversation.id,
      channel: 'portal',
      direction: 'outbound',
      author: { type: 'staff', id: receptionist.id },
      body: BODY,
      attachments: [],
      createdAt: expect.any(String),
    });

    const read = await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(conversation);
  });

  it('a message between staff only is internal and has no deliveries', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider');
    const { message } = await started(receptionist.token, portal([st(provider)]));
    expect(message.direction).toBe('internal');
    expect(message.deliveries).toEqual([]);
  });

  it('the recipient sees the new conversation as unread', async () => {
    const { patient, conversation } = await portalScene();
    const seen = await call('GET', `/v1/conversations/${conversation.id}`, { token: patient.token });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: conversation.id, status: 'unread', starred: false, replyPolicy: { canReply: true } });
  });

  it('the same Idempotency-Key and body returns the first answer and starts nothing new', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const headers = { 'idempotency-key': 'start-once-1' };
    const first = await start(receptionist.token, portal([pt(patient)]), headers);
    const again = await start(receptionist.token, portal([pt(patient)]), headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const inbox = await call('GET', '/v1/conversations', { token: patient.token });
    expect(inbox.body.items.map((c: { id: string }) => c.id)).toEqual([first.body.conversation.id]);
    const other = await start(receptionist.token, portal([pt(patient)], { subject: 'Different' }), headers);
    expectProblem(other, 409, 'idempotency_key_reused');
  });
});

describe('Starting a conversation: subject and body', () => {
  it('portal and email need a subject; sms and whatsapp do not', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ email: 'subj@example.com', phone: '+12025550101' });
    for (const channel of ['portal', 'email']) {
      const res = await start(receptionist.token, { channel, participants: [pt(patient)], body: BODY });
      expectProblem(res, 400, 'validation_failed');
      expect(errorPaths(res), channel).toContain('subject');
    }
    for (const channel of ['portal', 'email']) {
      const res = await start(receptionist.token, { channel, subject: 'Hello', participants: [pt(patient)], body: BODY });
      expect(res.status, channel).toBe(201);
    }
    for (const channel of ['sms', 'whatsapp']) {
      const res = await start(receptionist.token, { channel, participants: [pt(patient)], body: BODY });
      expect(res.status, channel).toBe(201);
    }
  });

  it('portal and email bodies need at least 10 characters', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ email: 'len@example.com' });
    for (const channel of ['portal', 'email']) {
      const short = await start(receptionist.token, { channel, subject: 'S', participants: [pt(patient)], body: '123456789' });
      expectProblem(short, 400, 'validation_failed');
      expect(errorPaths(short), channel).toContain('body');
      const ten = await start(receptionist.token, { channel, subject: 'S', participants: [pt(patient)], body: '1234567890' });
      expect(ten.status, channel).toBe(201);
      expect(ten.body.message.body).toBe('1234567890');
    }
  });

  it('sms bodies may be a single character but not empty', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550102' });
    const one = await start(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'k' });
    expect(one.status).toBe(201);
    const empty = await start(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: '' });
    expectProblem(empty, 400, 'validation_failed');
    expect(errorPaths(empty)).toContain('body');
  });

  it('a body may be 10,000 characters but not 10,001', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550103' });
    const max = await start(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: 'x'.repeat(10_000) });
    expect(max.status).toBe(201);
    expect(max.body.message.body).toHaveLength(10_000);
    const over = await start(receptionist.token, portal([pt(patient)], { body: 'x'.repeat(10_001) }));
    expectProblem(over, 400, 'validation_failed');
    expect(errorPaths(over)).toContain('body');
  });

  it('refuses unknown fields, an unknown channel and a missing body, listing each', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const res = await start(receptionist.token, { channel: 'fax', participants: [pt(patient)], colour: 'red' });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res)).toEqual(expect.arrayContaining(['channel', 'body', 'colour']));
  });
});

describe('Starting a conversation: participants', () => {
  it('must name at least one person other than the caller', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    expectProblem(await start(receptionist.token, portal([])), 400, 'validation_failed');
    expectProblem(await start(receptionist.token, portal([st(receptionist)])), 400, 'validation_failed');
  });

  it('allows more than one transaction of participants (API.md v1.1: at least 500; was 15), not more than 500 named', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const others: Actor[] = [];
    for (let i = 0; i < 15; i++) others.push(await p.staff('biller'));
    const sixteen = await start(receptionist.token, portal(others.map(st)));
    expect(sixteen.status).toBe(201);
    expect(sixteen.body.conversation.participants).toHaveLength(16);
    // 500 people including the caller at most (test/integration/participants-at-scale.test.ts starts one of 500).
    const tooMany = Array.from({ length: 501 }, (_, i) => ({ type: 'staff', id: `01STAFF${String(i).padStart(19, '0')}` }));
    expectProblem(await start(receptionist.token, portal(tooMany)), 400, 'validation_failed');
  });

  it('answers 404 for a participant who is not in the practice', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    expectProblem(await start(receptionist.token, portal([pt(patient), { type: 'patient', id: '01NOSUCHPATIENT' }])), 404, 'not_found');
    expectProblem(await start(receptionist.token, portal([pt(patient), { type: 'staff', id: '01NOSUCHSTAFF' }])), 404, 'not_found');
    // A staff id named as a patient is not a patient of the practice.
    const biller = await p.staff('biller');
    expectProblem(await start(receptionist.token, portal([{ type: 'patient', id: biller.id }])), 404, 'not_found');
  });

  it("answers 404 for another practice's patient or staff member", async () => {
    const p = await newPractice();
    const other = await newPractice();
    const receptionist = await p.staff('receptionist');
    const theirPatient = await other.patient();
    const theirStaff = await other.staff('biller');
    expectProblem(await start(receptionist.token, portal([pt(theirPatient)])), 404, 'not_found');
    expectProblem(await start(receptionist.token, portal([st(theirStaff)])), 404, 'not_found');
  });
});

describe('Starting a conversation: the send_messages permission', () => {
  it('a staff member without send_messages is refused until an admin grants it', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', []);
    const patient = await p.patient();
    expectProblem(await start(receptionist.token, portal([pt(patient)])), 403, 'forbidden');
    const granted = await call('PATCH', `/v1/staff/${receptionist.id}`, { token: p.admin.token, body: { permissions: ['send_messages'] } });
    expect(granted.status).toBe(200);
    expect((await start(receptionist.token, portal([pt(patient)]))).status).toBe(201);
  });

  it('an admin needs no permission on a staff record', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    expect((await start(p.admin.token, portal([pt(patient)]))).status).toBe(201);
  });

  it('a patient needs no permission', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    expect((await start(patient.token, portal([st(receptionist)]))).status).toBe(201);
  });
});

describe('Starting a conversation: who may start with whom', () => {
  it('an admin may start with patients, providers, receptionists, billers and other admins', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    const targets = [pt(patient), st(await p.staff('provider')), st(await p.staff('receptionist')), st(await p.staff('biller')), st(await p.staff('admin'))];
    for (const target of targets) {
      const res = await start(p.admin.token, portal([target]));
      expect(res.status, JSON.stringify(target)).toBe(201);
    }
    // And with a provider and a patient together, twice.
    const provider = await p.staff('provider');
    expect((await start(p.admin.token, portal([pt(patient), st(provider)]))).status).toBe(201);
    expect((await start(p.admin.token, portal([pt(patient), st(provider)]))).status).toBe(201);
  });

  for (const role of ['receptionist', 'biller'] as const) {
    it(`a ${role} may start with patients and with every kind of staff`, async () => {
      const p = await newPractice();
      const me = await p.staff(role);
      const patient = await p.patient();
      const targets = [pt(patient), st(await p.staff('provider')), st(await p.staff('receptionist')), st(await p.staff('biller')), st(await p.staff('admin'))];
      for (const target of targets) {
        const res = await start(me.token, portal([target]));
        expect(res.status, JSON.stringify(target)).toBe(201);
      }
      // A second conversation with the same patient is fine for them.
      expect((await start(me.token, portal([pt(patient)]))).status).toBe(201);
    });
  }

  it('a provider may start with staff of every role', async () => {
    const p = await newPractice();
    const provider = await p.staff('provider');
    for (const role of ['provider', 'receptionist', 'biller', 'admin'] as const) {
      const res = await start(provider.token, portal([st(await p.staff(role))]));
      expect(res.status, role).toBe(201);
    }
  });

  it('a provider cannot start a second conversation with a patient', async () => {
    const p = await newPractice();
    const provider = await p.staff('provider');
    const patient = await p.patient({ phone: '+12025550104' });
    const first = await started(provider.token, portal([pt(patient)]));
    const second = await start(provider.token, portal([pt(patient)], { subject: 'Again' }));
    expectProblem(second, 409, 'conversation_exists');
    expect(second.body.existingConversationId).toBe(first.conversation.id);
    // Another channel does not make it a new relationship.
    const bySms = await start(provider.token, { channel: 'sms', participants: [pt(patient)], body: 'Hi there' });
    expectProblem(bySms, 409, 'conversation_exists');
    expect(bySms.body.existingConversationId).toBe(first.conversation.id);
  });

  it('a provider cannot start with a patient when a receptionist already started a conversation with both of them', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider');
    const patient = await p.patient();
    const existing = await started(receptionist.token, portal([pt(patient), st(provider)]));
    const res = await start(provider.token, portal([pt(patient)]));
    expectProblem(res, 409, 'conversation_exists');
    expect(res.body.existingConversationId).toBe(existing.conversation.id);
  });

  it('a provider may start with a patient whom only other staff have talked to, and another provider is not blocked by the first', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const providerA = await p.staff('provider');
    const providerB = await p.staff('provider');
    const patient = await p.patient();
    await started(receptionist.token, portal([pt(patient)]));
    expect((await start(providerA.token, portal([pt(patient)]))).status).toBe(201);
    expect((await start(providerB.token, portal([pt(patient)]))).status).toBe(201);
    expectProblem(await start(providerB.token, portal([pt(patient)])), 409, 'conversation_exists');
  });

  it('simultaneous starts by one provider with one patient make exactly one conversation', async () => {
    const p = await newPractice();
    const provider = await p.staff('provider');
    const patient = await p.patient();
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => start(provider.token, portal([pt(patient)], { subject: `Race ${i}` }))));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expectProblem(r, 409, 'conversation_exists');
      expect(r.body.existingConversationId).toBe(created[0]!.body.conversation.id);
    }
    const inbox = await call('GET', '/v1/conversations', { token: patient.token });
    expect(inbox.body.items.map((c: { id: string }) => c.id)).toEqual([created[0]!.body.conversation.id]);
  });

  it('a patient may start portal conversations with receptionists and billers', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const res = await start(patient.token, portal([st(receptionist), st(biller)]));
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ direction: 'inbound', author: { type: 'patient', id: patient.id }, deliveries: [] });
    expect((await start(patient.token, portal([st(biller)]))).status).toBe(201);
  });

  it('a patient cannot start with a provider, an admin or another patient, alone or among allowed people', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    const receptionist = await p.staff('receptionist');
    const refused = [
      [st(await p.staff('provider'))],
      [st(await p.staff('admin'))],
      [pt(await p.patient())],
      [st(receptionist), st(await p.staff('provider'))],
      [st(receptionist), pt(await p.patient())],
    ];
    for (const participants of refused) {
      const res = await start(patient.token, portal(participants));
      expectProblem(res, 403, 'conversation_rule');
      expect(typeof res.body.detail).toBe('string');
      expect(res.body.detail.length).toBeGreaterThan(0);
    }
  });

  it('an inactive patient may start with a receptionist or biller but not with a provider', async () => {
    const p = await newPractice();
    const patient = await p.patient({ status: 'inactive' });
    expect((await start(patient.token, portal([st(await p.staff('receptionist'))]))).status).toBe(201);
    expect((await start(patient.token, portal([st(await p.staff('biller'))]))).status).toBe(201);
    expectProblem(await start(patient.token, portal([st(await p.staff('provider'))])), 403, 'conversation_rule');
    expectProblem(await start(patient.token, portal([pt(await p.patient())])), 403, 'conversation_rule');
  });

  it('a patient may start only portal conversations', async () => {
    const p = await newPractice();
    const patient = await p.patient({ email: 'pat@example.com', phone: '+12025550105' });
    const receptionist = await p.staff('receptionist');
    for (const channel of ['email', 'sms', 'whatsapp']) {
      const res = await start(patient.token, { channel, subject: 'Hello', participants: [st(receptionist)], body: BODY });
      expectProblem(res, 403, 'conversation_rule');
    }
    expect((await start(patient.token, portal([st(receptionist)]))).status).toBe(201);
  });

  it('a community chat is for staff to start, never a patient', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    const receptionist = await p.staff('receptionist');
    expectProblem(await start(patient.token, portal([st(receptionist)], { kind: 'community' })), 403, 'conversation_rule');
    const res = await start(receptionist.token, portal([pt(patient), pt(await p.patient()), pt(await p.patient())], { kind: 'community' }));
    expect(res.status).toBe(201);
    expect(res.body.conversation.participants).toHaveLength(4);
  });
});

describe('Starting a conversation: channel reachability', () => {
  it('email needs an email on file; the delivery is queued to that address', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const without = await p.patient({ name: 'Emil Noaddress', phone: '+12025550106' });
    const res = await start(receptionist.token, { channel: 'email', subject: 'Hi', participants: [pt(without)], body: BODY });
    expectProblem(res, 422, 'channel_unavailable');
    expect(res.body.patientId).toBe(without.id);
    expect(res.body.detail).toContain('Emil Noaddress');

    const withEmail = await p.patient({ email: 'Ella@Example.com' });
    const ok = await started(receptionist.token, { channel: 'email', subject: 'Hi', participants: [pt(withEmail)], body: BODY });
    expect(ok.message.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: withEmail.id }, channel: 'email', address: 'ella@example.com', status: 'queued' }),
    ]);
  });

  it('sms needs a phone; the delivery is queued to the E.164 number', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const without = await p.patient({ name: 'Sam Nophone', email: 'sam@example.com', whatsapp: '+12025550107' });
    const res = await start(receptionist.token, { channel: 'sms', participants: [pt(without)], body: BODY });
    expectProblem(res, 422, 'channel_unavailable');
    expect(res.body.patientId).toBe(without.id);
    expect(res.body.detail).toContain('Sam Nophone');

    const withPhone = await p.patient({ phone: '(202) 555-0108' });
    const ok = await started(receptionist.token, { channel: 'sms', participants: [pt(withPhone)], body: BODY });
    expect(ok.message.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: withPhone.id }, channel: 'sms', address: '+12025550108', status: 'queued' }),
    ]);
  });

  it('whatsapp goes to the WhatsApp number, else the phone, else is unavailable', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const both = await p.patient({ phone: '+12025550109', whatsapp: '+12025550110' });
    const phoneOnly = await p.patient({ phone: '+12025550111' });
    const neither = await p.patient({ name: 'Wanda Nowhere', email: 'wanda@example.com' });
    const wa = (patient: Actor) => ({ channel: 'whatsapp', participants: [pt(patient)], body: BODY });

    const a = await started(receptionist.token, wa(both));
    expect(a.message.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: both.id }, channel: 'whatsapp', address: '+12025550110', status: 'queued' }),
    ]);
    const b = await started(receptionist.token, wa(phoneOnly));
    expect(b.message.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: phoneOnly.id }, channel: 'whatsapp', address: '+12025550111', status: 'queued' }),
    ]);
    const c = await start(receptionist.token, wa(neither));
    expectProblem(c, 422, 'channel_unavailable');
    expect(c.body.patientId).toBe(neither.id);
    expect(c.body.detail).toContain('Wanda Nowhere');
  });

  it('every patient must be reachable: one unreachable patient refuses the whole conversation, naming that patient', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const reachable = await p.patient({ phone: '+12025550112' });
    const unreachable = await p.patient({ name: 'Una Reachable' });
    const res = await start(receptionist.token, { channel: 'sms', participants: [pt(reachable), pt(unreachable)], body: BODY });
    expectProblem(res, 422, 'channel_unavailable');
    expect(res.body.patientId).toBe(unreachable.id);
    expect(res.body.detail).toContain('Una Reachable');
    expect((await call('GET', '/v1/conversations', { token: reachable.token })).body.items).toEqual([]);
  });

  it('staff recipients need no address and get no delivery; each patient gets one', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const provider = await p.staff('provider'); // no phone
    const a = await p.patient({ phone: '+12025550113' });
    const b = await p.patient({ phone: '+12025550114' });
    const { message } = await started(receptionist.token, { channel: 'sms', participants: [pt(a), pt(b), st(provider)], body: BODY });
    expect(message.direction).toBe('outbound');
    expect(message.deliveries).toHaveLength(2);
    expect(message.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient: { type: 'patient', id: a.id }, channel: 'sms', address: '+12025550113', status: 'queued' }),
        expect.objectContaining({ recipient: { type: 'patient', id: b.id }, channel: 'sms', address: '+12025550114', status: 'queued' }),
      ]),
    );
  });

  it('portal reaches every patient; those with an email on file also get a queued notification email', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const noEmail = await p.patient();
    const withEmail = await p.patient({ email: 'notify.me@example.com' });

    const a = await started(receptionist.token, portal([pt(noEmail)]));
    expect(a.message.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: noEmail.id }, channel: 'portal', address: null, status: 'delivered' }),
    ]);

    const b = await started(receptionist.token, portal([pt(withEmail)]));
    expect(b.message.deliveries).toHaveLength(2);
    expect(b.message.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient: { type: 'patient', id: withEmail.id }, channel: 'portal', address: null, status: 'delivered' }),
        expect.objectContaining({ recipient: { type: 'patient', id: withEmail.id }, channel: 'email', address: 'notify.me@example.com', status: 'queued' }),
      ]),
    );
  });
});

describe('Starting a conversation: chat settings', () => {
  it('staff composing to a patient whose direct messaging is off get 422 chat_disabled naming the patient', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const off = await p.patient({ name: 'Olive Offline', chat: { directMessaging: false, communityChat: true } });
    const on = await p.patient({ name: 'Oscar Online', chat: { directMessaging: true, communityChat: true } });
    const effective = await call('GET', `/v1/patients/${off.id}`, { token: p.admin.token });
    expect(effective.body.effectiveChat.directMessaging.value).toBe(false);

    const res = await start(receptionist.token, portal([pt(off)]));
    expectProblem(res, 422, 'chat_disabled');
    expect(res.body.detail).toBe('Chat is unavailable for Olive Offline');
    const mixed = await start(receptionist.token, portal([pt(on), pt(off)]));
    expectProblem(mixed, 422, 'chat_disabled');
    expect(mixed.body.detail).toBe('Chat is unavailable for Olive Offline');
    expectProblem(await start(p.admin.token, portal([pt(off)])), 422, 'chat_disabled');

    expect((await start(receptionist.token, portal([pt(on)]))).status).toBe(201);
    await call('PATCH', `/v1/patients/${off.id}`, { token: p.admin.token, body: { chat: { directMessaging: true, communityChat: true } } });
    expect((await start(receptionist.token, portal([pt(off)]))).status).toBe(201);
  });
});

describe('Starting a conversation: attachments', () => {
  it('refuses attachments on sms', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550115' });
    const res = await start(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: BODY, attachmentIds: ['01ATTACHMENT'] });
    expectProblem(res, 400, 'attachments_not_allowed');
    expect((await start(receptionist.token, { channel: 'sms', participants: [pt(patient)], body: BODY })).status).toBe(201);
  });

  it('refuses attachment ids it does not know on other channels', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ email: 'att@example.com', phone: '+12025550116' });
    expectProblem(await start(receptionist.token, portal([pt(patient)], { attachmentIds: ['01NOTUPLOADED'] })), 400, 'attachment_not_ready');
    expectProblem(
      await start(receptionist.token, { channel: 'email', subject: 'S', participants: [pt(patient)], body: BODY, attachmentIds: ['01NOTUPLOADED'] }),
      400,
      'attachment_not_ready',
    );
    expectProblem(
      await start(receptionist.token, { channel: 'whatsapp', participants: [pt(patient)], body: BODY, attachmentIds: ['01NOTUPLOADED'] }),
      400,
      'attachment_not_ready',
    );
    // Nothing was started by the refused attempts.
    expect((await call('GET', '/v1/conversations', { token: patient.token })).body.items).toEqual([]);
  });
});

describe('Starting a conversation: tenant isolation', () => {
  it("another practice's conversation is 404 to read, list messages, reply to or change", async () => {
    const p = await newPractice();
    const other = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient)]));
    const id = conversation.id;
    expectProblem(await call('GET', `/v1/conversations/${id}`, { token: other.admin.token }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/conversations/${id}/messages`, { token: other.admin.token }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/conversations/${id}/messages`, { token: other.admin.token, body: { body: BODY } }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/conversations/${id}/read`, { token: other.admin.token }), 404, 'not_found');
    expectProblem(await call('PATCH', `/v1/conversations/${id}`, { token: other.admin.token, body: { starred: true } }), 404, 'not_found');
    expectProblem(await call('DELETE', `/v1/conversations/${id}`, { token: other.admin.token }), 404, 'not_found');
    // Same staff id in another practice (a token naming the other tenant) sees nothing either.
    const theirReceptionist = await other.staff('receptionist');
    expectProblem(await call('GET', `/v1/conversations/${id}`, { token: theirReceptionist.token }), 404, 'not_found');
    expect((await call('GET', '/v1/conversations', { token: other.admin.token })).body.items).toEqual([]);
    // And it is all still there for its own practice.
    expect((await call('GET', `/v1/conversations/${id}`, { token: receptionist.token })).status).toBe(200);
  });

  it('a conversation id that does not exist is 404', async () => {
    const p = await newPractice();
    expectProblem(await call('GET', '/v1/conversations/01NOSUCHCONVERSATION', { token: p.admin.token }), 404, 'not_found');
  });
});
