/**
 * The inbound core through the local API, fed by signed Twilio webhooks: who an inbound message
 * reaches (an unknown sender becomes an inbound contact; staff see it unread), quarantine of
 * blocked senders, SMS opt-out and opt-in with the suppressions list, and delivery receipts that
 * move a sent delivery forward only.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { call, eventually, expectProblem, newPractice, outbox } from './api-client.js';
import { fixtureJson, postSns, postTwilio, snsNotification, uniqueNumber } from './webhook-signing.js';

async function practiceWithSms() {
  const p = await newPractice();
  const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
  const sms = uniqueNumber();
  const res = await call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { smsNumbers: [sms] } });
  expect(res.status).toBe(200);
  const inbox = async (query = '') => (await call('GET', `/v1/conversations?limit=100${query}`, { token: staff.token })).body.items as any[];
  const text = (from: string, body: string, sid = `SM${ulid().toLowerCase()}`) =>
    postTwilio(new URLSearchParams({ MessageSid: sid, SmsSid: sid, AccountSid: 'AC1', From: from, To: sms, Body: body, NumMedia: '0', ApiVersion: '2010-04-01' }).toString());
  return { ...p, staff, sms, inbox, text };
}

describe('inbound SMS', () => {
  it('from an unknown number: a contact of category inbound, a conversation unread for staff, the message inbound', async () => {
    const p = await practiceWithSms();
    const from = uniqueNumber();
    expect((await p.text(from, 'Is the clinic open on Saturday?')).status).toBe(200);
    const [conversation] = await eventually('the conversation', () => p.inbox(), (items) => items.length === 1);
    expect(conversation).toMatchObject({ channel: 'sms', status: 'unread', lastDirection: 'inbound' });

    const contacts = await call('GET', '/v1/contacts?category=inbound', { token: p.staff.token });
    expect(contacts.status).toBe(200);
    expect(contacts.body.items).toHaveLength(1);
    expect(contacts.body.items[0]).toMatchObject({ primaryPhone: from, category: 'inbound' });

    const detail = await call('GET', `/v1/conversations/${conversation.id}`, { token: p.staff.token });
    expect(detail.body.participants).toContainEqual(expect.objectContaining({ type: 'contact', id: contacts.body.items[0].id }));
    const messages = await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: p.staff.token });
    expect(messages.body.items).toHaveLength(1);
    expect(messages.body.items[0]).toMatchObject({ direction: 'inbound', body: 'Is the clinic open on Saturday?', author: { type: 'contact' } });

    // The next message joins it, and brings it back from the archive as unread.
    expect((await call('PATCH', `/v1/conversations/${conversation.id}`, { token: p.staff.token, body: { archived: true } })).status).toBe(200);
    await p.text(from, 'Also, do you take walk-ins?');
    const [back] = await eventually('back in the inbox', () => p.inbox(), (items) => items.length === 1);
    expect(back).toMatchObject({ id: conversation.id, status: 'unread' });
    expect((await call('GET', '/v1/contacts?category=inbound', { token: p.staff.token })).body.items).toHaveLength(1);
  });

  it('staff answer an unknown sender: the reply goes to the contact by SMS, from the practice number', async () => {
    const p = await practiceWithSms();
    const from = uniqueNumber();
    await p.text(from, 'Can I book a cleaning next week?');
    const [conversation] = await eventually('the conversation', () => p.inbox(), (items) => items.length === 1);
    const sent = await call('POST', `/v1/conversations/${conversation.id}/messages`, { token: p.staff.token, body: { body: 'Yes, Tuesday at 10 works.' } });
    expect(sent.status).toBe(201);
    expect(sent.body.deliveries).toEqual([expect.objectContaining({ recipient: expect.objectContaining({ type: 'contact' }), channel: 'sms', address: from })]);
    const [sms] = await eventually('the SMS to the contact', () => outbox('sms', from), (items) => items.length === 1);
    expect(sms).toMatchObject({ to: from, body: 'Yes, Tuesday at 10 works.', from: p.sms });
  });

  it('eight concurrent deliveries of one webhook store one message', async () => {
    const p = await practiceWithSms();
    const from = uniqueNumber();
    const sid = `SM${ulid().toLowerCase()}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => p.text(from, 'Same message, retried', sid)));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    const [conversation] = await eventually('the conversation', () => p.inbox(), (items) => items.length > 0);
    expect(await p.inbox()).toHaveLength(1);
    const messages = await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: p.staff.token });
    expect(messages.body.items).toHaveLength(1);
    expect((await call('GET', '/v1/contacts?category=inbound', { token: p.staff.token })).body.items).toHaveLength(1);
  });

  it('from a known patient: their conversation, in their correspondence', async () => {
    const p = await practiceWithSms();
    const phone = uniqueNumber();
    const patient = await p.patient({ phone });
    await p.text(phone, 'Running ten minutes late');
    const [conversation] = await eventually('the conversation', () => p.inbox(), (items) => items.length === 1);
    expect(conversation.participants ?? (await call('GET', `/v1/conversations/${conversation.id}`, { token: p.staff.token })).body.participants).toContainEqual(
      expect.objectContaining({ type: 'patient', id: patient.id }),
    );
    const corr = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: p.staff.token });
    expect(corr.body.items.map((m: any) => m.body)).toEqual(['Running ten minutes late']);
  });
});

describe('quarantine', () => {
  it("a blocked sender's message reaches no inbox; admins list it, others may not", async () => {
    const p = await practiceWithSms();
    const from = uniqueNumber();
    const block = await call('POST', '/v1/blocks', { token: p.admin.token, body: { type: 'phone', value: from } });
    expect(block.status).toBe(201);
    const sid = `SM${ulid().toLowerCase()}`;
    expect((await p.text(from, 'let me in', sid)).status).toBe(200);
    expect((await p.text(from, 'let me in', sid)).status).toBe(200);
    const listed = await eventually('quarantined', async () => (await call('GET', `/v1/quarantine?blockId=${block.body.id}`, { token: p.admin.token })).body, (b) => b.items?.length > 0);
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ blockId: block.body.id, channel: 'sms', from, body: 'let me in', attachments: [] });
    expect(await p.inbox()).toHaveLength(0);
    expect((await call('GET', '/v1/contacts?category=inbound', { token: p.staff.token })).body.items).toHaveLength(0);
    expect((await call('GET', '/v1/blocks/stats', { token: p.admin.token })).body.quarantined).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await call('GET', `/v1/quarantine?from=${today}&to=${today}`, { token: p.admin.token })).body.items).toHaveLength(1);
    expect((await call('GET', '/v1/quarantine?to=2020-01-01', { token: p.admin.token })).body.items).toHaveLength(0);
    expectProblem(await call('GET', '/v1/quarantine', { token: p.staff.token }), 403, 'forbidden');
    expectProblem(await call('GET', '/v1/quarantine?from=2026-02-30', { token: p.admin.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/quarantine?from=2026-03-02&to=2026-03-01', { token: p.admin.token }), 400, 'validation_failed');
    expectProblem(await call('GET', `/v1/quarantine?blockId=${'x'.repeat(200)}`, { token: p.admin.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/suppressions?channel=fax', { token: p.admin.token }), 400, 'validation_failed');
    const other = await newPractice();
    expect((await call('GET', `/v1/quarantine?blockId=${block.body.id}`, { token: other.admin.token })).body.items).toHaveLength(0);
  });
});

describe('opt-out keywords and suppressions', () => {
  it('STOP suppresses the number (an SMS to it is suppressed); staff cannot lift it; START does', async () => {
    const p = await practiceWithSms();
    const phone = uniqueNumber();
    const patient = await p.patient({ phone });
    await p.text(phone, ' Stop ');
    const list = await eventually('the opt-out', async () => (await call('GET', '/v1/suppressions?channel=sms', { token: p.staff.token })).body, (b) => b.items?.length > 0);
    expect(list.items).toEqual([{ id: expect.any(String), channel: 'sms', address: phone, reason: 'opt_out', at: expect.any(String) }]);
    expect((await call('GET', `/v1/suppressions?q=${encodeURIComponent(phone.slice(0, 6))}`, { token: p.staff.token })).body.items).toHaveLength(1);
    expect((await call('GET', '/v1/suppressions?q=999999', { token: p.staff.token })).body.items).toHaveLength(0);
    expect((await call('GET', '/v1/suppressions?channel=email', { token: p.staff.token })).body.items).toHaveLength(0);

    // Staff see the STOP in the conversation.
    const [conversation] = await eventually('the conversation', () => p.inbox(), (items) => items.length === 1);
    const msgs = await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: p.staff.token });
    expect(msgs.body.items.map((m: any) => m.body)).toEqual([' Stop ']);

    // An SMS to the number now ends suppressed.
    const sent = await call('POST', `/v1/conversations/${conversation.id}/messages`, { token: p.staff.token, body: { body: 'We hear you.' } });
    expect(sent.status).toBe(201);
    await eventually(
      'suppressed',
      async () => (await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: p.staff.token })).body.items.at(-1).deliveries,
      (ds: any[]) => ds.some((d) => d.recipient.id === patient.id && d.status === 'suppressed'),
    );

    expectProblem(await call('DELETE', `/v1/suppressions/${list.items[0].id}`, { token: p.admin.token }), 409, 'opt_out_by_recipient');
    expectProblem(await call('DELETE', `/v1/suppressions/${list.items[0].id}`, { token: p.staff.token }), 403, 'forbidden');
    expectProblem(await call('DELETE', '/v1/suppressions/01JD3R9V6N8Q2Y4W5X7Z0A1B2C', { token: p.admin.token }), 404, 'not_found');
    const other = await newPractice();
    expectProblem(await call('DELETE', `/v1/suppressions/${list.items[0].id}`, { token: other.admin.token }), 404, 'not_found');

    await p.text(phone, 'START');
    await eventually('lifted', async () => (await call('GET', '/v1/suppressions', { token: p.staff.token })).body.items, (items) => items.length === 0);
  });
});

describe('delivery receipts', () => {
  it('a Twilio status moves the delivery to delivered; a later failure does not move it back', async () => {
    const p = await practiceWithSms();
    const phone = uniqueNumber();
    const patient = await p.patient({ phone });
    const started = await call('POST', '/v1/conversations', {
      token: p.staff.token,
      body: { channel: 'sms', participants: [{ type: 'patient', id: patient.id }], body: 'Your results are ready.' },
    });
    expect(started.status).toBe(201);
    const conversationId = started.body.conversation.id;
    const [handed] = await eventually('handed to the provider', () => outbox('sms', phone), (items) => items.length > 0);
    const status = (s: string) =>
      postTwilio(new URLSearchParams({ MessageSid: handed!.providerMessageId, MessageStatus: s, From: p.sms, To: phone, AccountSid: 'AC1', ApiVersion: '2010-04-01' }).toString());
    const deliveryStatus = async () =>
      ((await call('GET', `/v1/conversations/${conversationId}/messages`, { token: p.staff.token })).body.items[0].deliveries as any[]).find((d) => d.recipient.id === patient.id)?.status;
    await eventually('sent', deliveryStatus, (s) => s === 'sent');
    expect((await status('delivered')).status).toBe(200);
    await eventually('delivered', deliveryStatus, (s) => s === 'delivered');
    expect((await status('undelivered')).status).toBe(200);
    expect((await status('sent')).status).toBe(200);
    expect(await deliveryStatus()).toBe('delivered');
  });
});

describe('email: threading by In-Reply-To, bounces', () => {
  async function emailScene() {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const inboundAddress = `in-${ulid().toLowerCase()}@clinic.example.com`;
    expect((await call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { inboundEmailAddresses: [inboundAddress] } })).status).toBe(200);
    const address = `pat-${ulid().toLowerCase()}@example.com`;
    const patient = await p.patient({ email: address });
    const started = await call('POST', '/v1/conversations', {
      token: staff.token,
      body: { channel: 'email', subject: 'Your results', participants: [{ type: 'patient', id: patient.id }], body: 'Your results are ready to view.' },
    });
    expect(started.status).toBe(201);
    const [handed] = await eventually('handed to SES', () => outbox('email', address), (items) => items.length > 0);
    return { ...p, staff, inboundAddress, address, patient, conversationId: started.body.conversation.id as string, sesId: handed!.providerMessageId };
  }

  it('an answer naming our SES Message-ID in In-Reply-To joins that conversation, unread for staff', async () => {
    const s = await emailScene();
    // A second email conversation with the same patient is the newest: In-Reply-To must win over it.
    const newer = await call('POST', '/v1/conversations', {
      token: s.staff.token,
      body: { channel: 'email', subject: 'Another topic', participants: [{ type: 'patient', id: s.patient.id }], body: 'A different matter entirely.' },
    });
    expect(newer.status).toBe(201);
    const message = JSON.parse(fixtureJson('sns-notification-ses-inbound.json').Message);
    message.receipt.recipients = [s.inboundAddress];
    message.mail.messageId = ulid().toLowerCase();
    message.content = message.content
      .replace('From: sender@example.com', `From: ${s.address}\r\nIn-Reply-To: <${s.sesId}@email.amazonses.com>`)
      .replace('To: recipient@example.com', `To: ${s.inboundAddress}`);
    expect((await postSns(snsNotification(message))).status).toBe(204);
    const msgs = await eventually(
      'the answer',
      async () => (await call('GET', `/v1/conversations/${s.conversationId}/messages`, { token: s.staff.token })).body.items as any[],
      (items) => items.length === 2,
    );
    expect(msgs[1]).toMatchObject({ direction: 'inbound', author: { type: 'patient', id: s.patient.id } });
    expect((await call('GET', `/v1/conversations/${s.conversationId}`, { token: s.staff.token })).body.status).toBe('unread');
    expect((await call('GET', `/v1/conversations/${newer.body.conversation.id}/messages`, { token: s.staff.token })).body.items).toHaveLength(1);
  });

  it('a permanent bounce marks the delivery bounced and suppresses the address; an admin lifts it (204)', async () => {
    const s = await emailScene();
    const bounce = fixtureJson('ses-event-bounce.json');
    bounce.mail.messageId = s.sesId;
    bounce.mail.tags = { ...bounce.mail.tags, practice: [s.practiceId] };
    bounce.bounce.bouncedRecipients[0].emailAddress = s.address;
    expect((await postSns(snsNotification(bounce))).status).toBe(204);
    const list = await eventually('suppressed', async () => (await call('GET', '/v1/suppressions?channel=email', { token: s.staff.token })).body.items as any[], (items) => items.length > 0);
    expect(list).toEqual([{ id: expect.any(String), channel: 'email', address: s.address, reason: 'bounce', at: expect.any(String) }]);
    const deliveries = (await call('GET', `/v1/conversations/${s.conversationId}/messages`, { token: s.staff.token })).body.items[0].deliveries as any[];
    expect(deliveries.find((d) => d.recipient.id === s.patient.id)?.status).toBe('bounced');
    expect((await call('DELETE', `/v1/suppressions/${list[0].id}`, { token: s.admin.token })).status).toBe(204);
    expect((await call('GET', '/v1/suppressions', { token: s.staff.token })).body.items).toHaveLength(0);
  });
});

describe('broadcast counts follow receipts', () => {
  it('a delivered status moves one recipient from sent to delivered; a repeat or a late failure moves nothing', async () => {
    const p = await practiceWithSms();
    const phones = [uniqueNumber(), uniqueNumber()];
    const patients = await Promise.all(phones.map((phone) => p.patient({ phone })));
    const res = await call('POST', '/v1/broadcasts', {
      token: p.staff.token,
      body: { channel: 'sms', body: 'Flu shots available this Saturday', audience: { patientIds: patients.map((x) => x.id) } },
    });
    expect(res.status).toBe(202);
    const get = () => call('GET', `/v1/broadcasts/${res.body.id}`, { token: p.staff.token });
    await eventually('sent to both', get, (r) => r.body.status === 'done' && r.body.counts.sent === 2);
    const [handed] = await outbox('sms', phones[0]!);
    const status = (s: string) =>
      postTwilio(new URLSearchParams({ MessageSid: handed!.providerMessageId, MessageStatus: s, From: p.sms, To: phones[0]!, AccountSid: 'AC1', ApiVersion: '2010-04-01' }).toString());
    expect((await status('delivered')).status).toBe(200);
    expect((await status('delivered')).status).toBe(200);
    expect((await status('failed')).status).toBe(200);
    const after = await eventually('counted', get, (r) => r.body.counts.delivered === 1);
    expect(after.body.counts).toMatchObject({ queued: 0, sent: 1, delivered: 1, failed: 0 });
  });
});

describe('inbound files', () => {
  it('an email attachment becomes an attachment of the message (downloadable by staff); a refused one is noted', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages']);
    const inboundAddress = `in-${ulid().toLowerCase()}@clinic.example.com`;
    expect((await call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { inboundEmailAddresses: [inboundAddress] } })).status).toBe(200);
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const mime = [
      `From: sender-${ulid().toLowerCase()}@example.com`,
      `To: ${inboundAddress}`,
      'Subject: My insurance card',
      'MIME-Version: 1.0',
      `Message-ID: <${ulid()}@example.com>`,
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Here is my insurance card.',
      '--b1',
      'Content-Type: image/png; name="card.png"',
      'Content-Disposition: attachment; filename="card.png"',
      'Content-Transfer-Encoding: base64',
      '',
      png,
      '--b1',
      'Content-Type: application/x-msdownload; name="run.exe"',
      'Content-Disposition: attachment; filename="run.exe"',
      'Content-Transfer-Encoding: base64',
      '',
      'TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAA',
      '--b1--',
      '',
    ].join('\r\n');
    const message = JSON.parse(fixtureJson('sns-notification-ses-inbound.json').Message);
    message.receipt.recipients = [inboundAddress];
    message.mail.messageId = ulid().toLowerCase();
    message.content = mime;
    expect((await postSns(snsNotification(message))).status).toBe(204);
    const inbox = async () => (await call('GET', '/v1/conversations', { token: staff.token })).body.items as any[];
    const [conversation] = await eventually('the conversation', inbox, (items) => items.length === 1);
    const [m] = (await call('GET', `/v1/conversations/${conversation.id}/messages`, { token: staff.token })).body.items as any[];
    expect(m.attachments).toEqual([{ id: expect.any(String), fileName: 'card.png', contentType: 'image/png', size: Buffer.from(png, 'base64').byteLength }]);
    expect(m.body).toMatch(/^Here is my insurance card\.\s*\n\n\[1 attachment could not be accepted/);
    expect(m.body).not.toContain('run.exe');
    const download = await call('GET', `/v1/attachments/${m.attachments[0].id}`, { token: staff.token });
    expect(download.status).toBe(200);
    const other = await newPractice();
    expect((await call('GET', `/v1/attachments/${m.attachments[0].id}`, { token: other.admin.token })).status).toBe(404);
  });
});
