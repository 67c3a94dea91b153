import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { type Actor, call, newPractice, eventually } from './api-client.js';
import { BODY, messages, portal as portalTo, pt, reply, start } from './conversation-helpers.js';
import { blocked, setRegionGB, unblock } from './fixtures.js';

async function storedMessage(token: string, conversationId: string, messageId: string): Promise<any> {
  return (await messages(token, conversationId)).find((m: { id: string }) => m.id === messageId);
}

const email = (patient: Actor) => ({ channel: 'email', subject: 'Your appointment', participants: [pt(patient)], body: BODY });
const sms = (...patients: Actor[]) => ({ channel: 'sms', participants: patients.map(pt), body: BODY });
const whatsapp = (patient: Actor) => ({ channel: 'whatsapp', participants: [pt(patient)], body: BODY });
const portal = (patient: Actor) => portalTo([pt(patient)]);

describe('Blocks: sending to a blocked address', () => {
  it('an email to a patient whose email is blocked is stored with a blocked delivery and a recipient_blocked warning', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ email: 'blocked.email@example.com' });
    await blocked(p.admin.token, { type: 'email', value: ' Blocked.Email@EXAMPLE.com' });

    const res = await start(sender.token, email(patient));
    expect(res.status).toBe(201);
    const delivery = { recipient: { type: 'patient', id: patient.id }, channel: 'email', address: 'blocked.email@example.com', status: 'blocked' };
    expect(res.body.message.deliveries).toEqual([expect.objectContaining(delivery)]);
    expect(res.body.warnings).toEqual([
      { code: 'recipient_blocked', recipient: { type: 'patient', id: patient.id }, channel: 'email', address: 'blocked.email@example.com' },
    ]);

    const stored = await storedMessage(sender.token, res.body.conversation.id, res.body.message.id);
    expect(stored).toMatchObject({ body: BODY, direction: 'outbound' });
    expect(stored.deliveries).toEqual([expect.objectContaining(delivery)]);
  });

  it('an SMS to a number blocked in another spelling is stored with a blocked delivery and a warning', async () => {
    const p = await newPractice();
    await setRegionGB(p);
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+447700900123' });
    await blocked(p.admin.token, { type: 'phone', value: '07700 900123' });

    const res = await start(sender.token, sms(patient));
    expect(res.status).toBe(201);
    expect(res.body.message.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: patient.id }, channel: 'sms', address: '+447700900123', status: 'blocked' }),
    ]);
    expect(res.body.warnings).toEqual([
      { code: 'recipient_blocked', recipient: { type: 'patient', id: patient.id }, channel: 'sms', address: '+447700900123' },
    ]);
    const stored = await storedMessage(sender.token, res.body.conversation.id, res.body.message.id);
    expect(stored.deliveries[0].status).toBe('blocked');
  });

  it('a WhatsApp message to a blocked WhatsApp number is stored with a blocked delivery and a warning', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550701', whatsapp: '+12025550702' });
    await blocked(p.admin.token, { type: 'phone', value: '(202) 555-0702' });

    const res = await start(sender.token, whatsapp(patient));
    expect(res.status).toBe(201);
    expect(res.body.message.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: patient.id }, channel: 'whatsapp', address: '+12025550702', status: 'blocked' }),
    ]);
    expect(res.body.warnings).toEqual([
      { code: 'recipient_blocked', recipient: { type: 'patient', id: patient.id }, channel: 'whatsapp', address: '+12025550702' },
    ]);
  });

  it('a reply to a patient blocked after the conversation started is stored with a blocked delivery and a warning', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ phone: '+12025550710' });
    const first = await start(sender.token, sms(patient));
    expect(first.body.message.deliveries[0].status).toBe('queued');
    expect(first.body.warnings ?? []).toEqual([]);

    await blocked(p.admin.token, { type: 'phone', value: '+12025550710' });
    const res = await reply(sender.token, first.body.conversation.id, 'Are you there?');
    expect(res.status).toBe(201);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: patient.id }, channel: 'sms', address: '+12025550710', status: 'blocked' }),
    ]);
    expect(res.body.warnings).toEqual([
      { code: 'recipient_blocked', recipient: { type: 'patient', id: patient.id }, channel: 'sms', address: '+12025550710' },
    ]);
    const stored = await storedMessage(sender.token, first.body.conversation.id, res.body.id);
    expect(stored).toMatchObject({ body: 'Are you there?' });
    expect(stored.deliveries[0].status).toBe('blocked');
  });

  it('a portal message to a patient whose email is blocked gets no notification: that delivery is blocked, the portal one delivered', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ email: 'no.notify@example.com' });
    await blocked(p.admin.token, { type: 'email', value: 'no.notify@example.com' });

    const res = await start(sender.token, portal(patient));
    expect(res.status).toBe(201);
    const recipient = { type: 'patient', id: patient.id };
    expect(res.body.message.deliveries).toHaveLength(2);
    expect(res.body.message.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient, channel: 'portal', address: null, status: 'delivered' }),
        expect.objectContaining({ recipient, channel: 'email', address: 'no.notify@example.com', purpose: 'notification', status: 'blocked' }),
      ]),
    );
    // the patient still reads it in the portal
    const seen = await call('GET', `/v1/conversations/${res.body.conversation.id}/messages`, { token: patient.token });
    expect(seen.body.items.map((m: { id: string }) => m.id)).toEqual([res.body.message.id]);

    const replied = await reply(sender.token, res.body.conversation.id, 'A second portal message.');
    expect(replied.body.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'email', purpose: 'notification', status: 'blocked' })]),
    );
  });

  it('in a message to several patients only the blocked one is blocked and named in the warnings', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const a = await p.patient({ phone: '+12025550720' });
    const b = await p.patient({ phone: '+12025550721' });
    await blocked(p.admin.token, { type: 'phone', value: '+12025550720' });

    const res = await start(sender.token, sms(a, b));
    expect(res.status).toBe(201);
    expect(res.body.message.deliveries).toHaveLength(2);
    expect(res.body.message.deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient: { type: 'patient', id: a.id }, address: '+12025550720', status: 'blocked' }),
        expect.objectContaining({ recipient: { type: 'patient', id: b.id }, address: '+12025550721', status: 'queued' }),
      ]),
    );
    expect(res.body.warnings).toEqual([{ code: 'recipient_blocked', recipient: { type: 'patient', id: a.id }, channel: 'sms', address: '+12025550720' }]);
  });

  it("a block of one of the patient's addresses does not stop another channel", async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ email: 'still.open@example.com', phone: '+12025550730' });
    await blocked(p.admin.token, { type: 'phone', value: '+12025550730' });

    const res = await start(sender.token, email(patient));
    expect(res.status).toBe(201);
    expect(res.body.message.deliveries).toEqual([expect.objectContaining({ channel: 'email', status: 'queued' })]);
    expect(res.body.warnings ?? []).toEqual([]);
  });

  it('a block made by one staff member stops messages from every staff member, admins included', async () => {
    const p = await newPractice();
    const m = await p.staff('receptionist', ['manage_contacts']);
    const other = await p.staff('biller');
    const patient = await p.patient({ email: 'everyone@example.com' });
    await blocked(m.token, { type: 'email', value: 'everyone@example.com' });
    for (const token of [other.token, p.admin.token]) {
      const res = await start(token, email(patient));
      expect(res.status).toBe(201);
      expect(res.body.message.deliveries[0].status).toBe('blocked');
      expect(res.body.warnings).toHaveLength(1);
    }
  });
});

describe('Blocks: unblocking takes effect at once', () => {
  it('after an unblock the next message is queued, with no warnings', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ email: 'lifted@example.com' });
    const b = await blocked(p.admin.token, { type: 'email', value: 'lifted@example.com' });

    const before = await start(sender.token, email(patient));
    expect(before.body.message.deliveries[0].status).toBe('blocked');

    await unblock(p.admin.token, b.id);
    const res = await reply(sender.token, before.body.conversation.id, 'Now this one goes out.');
    expect(res.status).toBe(201);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ recipient: { type: 'patient', id: patient.id }, channel: 'email', address: 'lifted@example.com', status: 'queued' }),
    ]);
    expect(res.body.warnings ?? []).toEqual([]);

    const fresh = await start(sender.token, email(patient));
    expect(fresh.body.message.deliveries[0].status).toBe('queued');
    expect(fresh.body.warnings ?? []).toEqual([]);
    // the message sent while blocked stays blocked
    expect((await storedMessage(sender.token, before.body.conversation.id, before.body.message.id)).deliveries[0].status).toBe('blocked');
  });

  it('after an unblock a portal message queues its notification email again', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const patient = await p.patient({ email: 'notify.again@example.com' });
    const b = await blocked(p.admin.token, { type: 'email', value: 'notify.again@example.com' });
    await unblock(p.admin.token, b.id);
    const res = await start(sender.token, portal(patient));
    expect(res.body.message.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'email', purpose: 'notification', status: 'queued' })]),
    );
  });
});


async function outbox(channel: string, to: string): Promise<{ to: string; subject?: string; body: string }[]> {
  const res = await call('GET', `/dev/outbox?channel=${channel}&to=${encodeURIComponent(to)}`);
  if (res.status !== 200) throw new Error(`outbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('Blocks: what reaches the providers', () => {
  it('nothing is handed to a provider for a blocked address, not even a portal notification; after an unblock the next message is', async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const tag = ulid().toLowerCase();
    const address = `outbox.${tag}@example.com`;
    const phone = `+1312555${String(1000 + Math.floor(Math.random() * 9000))}`;
    const patient = await p.patient({ email: address, phone });
    const e = await blocked(p.admin.token, { type: 'email', value: address });
    const s = await blocked(p.admin.token, { type: 'phone', value: phone });

    const mail = await start(sender.token, { ...email(patient), body: `Blocked email ${tag}` });
    const text = await start(sender.token, { ...sms(patient), body: `Blocked sms ${tag}` });
    const port = await start(sender.token, { ...portal(patient), body: `Blocked portal ${tag}` });
    expect([mail, text, port].map((r) => r.status)).toEqual([201, 201, 201]);

    await unblock(p.admin.token, e.id);
    await unblock(p.admin.token, s.id);
    await reply(sender.token, mail.body.conversation.id, `After unblock email ${tag}`);
    await reply(sender.token, text.body.conversation.id, `After unblock sms ${tag}`);

    const mails = await eventually(
      'the email after the unblock reaches the provider',
      () => outbox('email', address),
      (x) => x.some((m) => m.body.includes(`After unblock email ${tag}`)),
    );
    const texts = await eventually(
      'the SMS after the unblock reaches the provider',
      () => outbox('sms', phone),
      (x) => x.some((m) => m.body.includes(`After unblock sms ${tag}`)),
    );
    expect(mails.filter((m) => m.body.includes(`Blocked email ${tag}`))).toEqual([]);
    expect(mails.filter((m) => m.subject === 'You have a new message')).toEqual([]);
    expect(texts.filter((m) => m.body.includes(`Blocked sms ${tag}`))).toEqual([]);
    const stored = await storedMessage(sender.token, mail.body.conversation.id, mail.body.message.id);
    expect(stored.deliveries[0].status).toBe('blocked');
  });
});

describe('Blocks: the reminder on the patient record', () => {
  it('every staff member sees blockedContacts on the patient record, empty when none', async () => {
    const p = await newPractice();
    const patient = await p.patient({ email: 'remind@example.com', phone: '+12025550740', whatsapp: '+12025550741' });
    const readers = [await p.staff('provider', []), await p.staff('biller', []), await p.staff('receptionist', ['send_messages'])];
    for (const r of readers) {
      expect((await call('GET', `/v1/patients/${patient.id}`, { token: r.token })).body.blockedContacts).toEqual([]);
    }
    const e = await blocked(p.admin.token, { type: 'email', value: 'remind@example.com' });
    const w = await blocked(p.admin.token, { type: 'phone', value: '+12025550741' });
    for (const r of readers) {
      const res = await call('GET', `/v1/patients/${patient.id}`, { token: r.token });
      expect(res.status).toBe(200);
      expect(res.body.blockedContacts).toHaveLength(2);
      expect(res.body.blockedContacts).toEqual(
        expect.arrayContaining([
          { blockId: e.id, type: 'email', value: 'remind@example.com' },
          { blockId: w.id, type: 'phone', value: '+12025550741' },
        ]),
      );
    }
  });

  it("the patient's correspondence carries the same reminder", async () => {
    const p = await newPractice();
    const sender = await p.staff('receptionist');
    const provider = await p.staff('provider', []);
    const patient = await p.patient({ email: 'corr@example.com', phone: '+12025550750' });
    await start(sender.token, sms(patient));
    const empty = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: provider.token });
    expect(empty.status).toBe(200);
    expect(empty.body.blockedContacts).toEqual([]);

    const b = await blocked(p.admin.token, { type: 'phone', value: '+12025550750' });
    for (const token of [provider.token, sender.token]) {
      const res = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token });
      expect(res.status).toBe(200);
      expect(res.body.blockedContacts).toEqual([{ blockId: b.id, type: 'phone', value: '+12025550750' }]);
      expect(res.body.items).toHaveLength(1);
    }
  });

  it('an unblocked address leaves the reminder', async () => {
    const p = await newPractice();
    const patient = await p.patient({ email: 'gone@example.com' });
    const b = await blocked(p.admin.token, { type: 'email', value: 'gone@example.com' });
    expect((await call('GET', `/v1/patients/${patient.id}`, { token: p.admin.token })).body.blockedContacts).toHaveLength(1);
    await unblock(p.admin.token, b.id);
    expect((await call('GET', `/v1/patients/${patient.id}`, { token: p.admin.token })).body.blockedContacts).toEqual([]);
    expect((await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: p.admin.token })).body.blockedContacts).toEqual([]);
  });

  it("the reminder follows the patient's current addresses", async () => {
    const p = await newPractice();
    const patient = await p.patient({ email: 'old.address@example.com' });
    await blocked(p.admin.token, { type: 'email', value: 'new.address@example.com' });
    expect((await call('GET', `/v1/patients/${patient.id}`, { token: p.admin.token })).body.blockedContacts).toEqual([]);
    const edited = await call('PATCH', `/v1/patients/${patient.id}`, { token: p.admin.token, body: { email: 'New.Address@example.com' } });
    expect(edited.status).toBe(200);
    expect((await call('GET', `/v1/patients/${patient.id}`, { token: p.admin.token })).body.blockedContacts).toEqual([
      expect.objectContaining({ type: 'email', value: 'new.address@example.com' }),
    ]);
  });
});
