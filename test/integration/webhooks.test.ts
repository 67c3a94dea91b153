/**
 * Every webhook route of the contract through the local runtime, with requests signed in the
 * test: a valid request is acknowledged and stored once; a one-byte change to any signed request
 * is 401 and stores nothing; a destination no practice holds is acknowledged and stored nowhere.
 */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { call, eventually, expectProblem, newPractice } from './api-client.js';
import {
  CERT_URL,
  TOPIC,
  fixtureJson,
  fixtureText,
  oneByteChanged,
  postSns,
  postTwilio,
  postWhatsApp,
  signSns,
  snsNotification,
  twilioSignature,
  uniqueDigits,
  uniqueNumber,
  whatsappSignature,
} from './webhook-signing.js';

/** A practice holding a fresh SMS number, WhatsApp phone-number id and inbound address, with one staff member who sees inbound conversations. */
async function practiceWithChannels() {
  const p = await newPractice();
  const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
  const sms = uniqueNumber();
  const whatsapp = uniqueDigits();
  const email = `in-${ulid().toLowerCase()}@clinic.example.com`;
  const res = await call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { smsNumbers: [sms], whatsappPhoneNumberIds: [whatsapp], inboundEmailAddresses: [email] } });
  expect(res.status).toBe(200);
  const inbox = async () => (await call('GET', '/v1/conversations?limit=100', { token: staff.token })).body.items as { id: string; channel: string }[];
  return { ...p, staff, sms, whatsapp, email, inbox };
}

const twilioForm = (to: string, from: string, sid = `SM${ulid().toLowerCase()}`, body = 'Hi, can I move my appointment to Friday?') => {
  const params = new URLSearchParams(fixtureText('twilio-inbound-sms.txt').trim());
  params.set('To', to);
  params.set('From', from);
  params.set('Body', body);
  for (const k of ['MessageSid', 'SmsSid', 'SmsMessageSid']) params.set(k, sid);
  return params.toString();
};

const sesInbound = (recipient: string, from: string, messageId = ulid().toLowerCase()) => {
  const message = JSON.parse(fixtureJson('sns-notification-ses-inbound.json').Message);
  message.receipt.recipients = [recipient];
  message.mail.messageId = messageId;
  message.content = message.content.replace('From: sender@example.com', `From: ${from}`).replace('To: recipient@example.com', `To: ${recipient}`);
  return message;
};

const whatsappBody = (phoneNumberId: string, from: string, id = `wamid.${ulid()}`) => {
  const body = fixtureJson('whatsapp-inbound-text.json');
  const value = body.entry[0].changes[0].value;
  value.metadata.phone_number_id = phoneNumberId;
  value.messages[0].from = from.replace('+', '');
  value.messages[0].id = id;
  return JSON.stringify(body, null, 2);
};

describe('Twilio SMS webhook', () => {
  it('a signed inbound SMS gets an empty TwiML answer and is stored once, however often Twilio retries it', async () => {
    const p = await practiceWithChannels();
    const form = twilioForm(p.sms, uniqueNumber());
    const res = await postTwilio(form);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await postTwilio(form)).status).toBe(200);
    const inbox = await eventually('the SMS conversation', p.inbox, (items) => items.length > 0);
    expect(inbox.filter((c) => c.channel === 'sms')).toHaveLength(1);
    const messages = await call('GET', `/v1/conversations/${inbox[0]!.id}/messages`, { token: p.staff.token });
    expect(messages.body.items).toHaveLength(1);
    expect(messages.body.items[0]).toMatchObject({ direction: 'inbound', body: 'Hi, can I move my appointment to Friday?' });
  }, 90_000); // the first webhook call of the run loads the webhook function (cold start on a shared machine)

  it('a one-byte change to the body, a signature for another URL, or no signature → 401 and nothing stored', async () => {
    const p = await practiceWithChannels();
    const form = twilioForm(p.sms, uniqueNumber());
    const signature = twilioSignature('/webhooks/sms/twilio', form);
    expectProblem(await postTwilio(oneByteChanged(form), signature), 401, 'unauthorized');
    expectProblem(await postTwilio(form.replace('Friday', 'Fridax'), signature), 401, 'unauthorized');
    expectProblem(await postTwilio(form, twilioSignature('/webhooks/sms/twilio?x=1', form)), 401, 'unauthorized');
    expectProblem(await postTwilio(form, ''), 401, 'unauthorized');
    // Another last character (a SHA-1's base64 ends in one of 16, so a fixed one would sometimes be the same).
    const last = signature.at(-2) === 'A' ? 'E' : 'A';
    expectProblem(await postTwilio(form, `${signature.slice(0, -2)}${last}=`), 401, 'unauthorized');
    expect(await p.inbox()).toEqual([]);
  });

  it('a message to a number no practice holds is acknowledged and stored nowhere', async () => {
    const p = await practiceWithChannels();
    const res = await postTwilio(twilioForm(uniqueNumber(), uniqueNumber()));
    expect(res.status).toBe(200);
    expect(await p.inbox()).toEqual([]);
  });

  it('a status callback is acknowledged with TwiML', async () => {
    const p = await practiceWithChannels();
    const form = new URLSearchParams({ MessageSid: `SM${ulid()}`, MessageStatus: 'delivered', From: p.sms, To: uniqueNumber(), AccountSid: 'AC1', ApiVersion: '2010-04-01' }).toString();
    const res = await postTwilio(form);
    expect(res.status).toBe(200);
    expectProblem(await postTwilio(form.replace('delivered', 'delivereX'), twilioSignature('/webhooks/sms/twilio', form)), 401, 'unauthorized');
  });
});

describe('WhatsApp webhook', () => {
  it("answers Meta's handshake with the challenge only for our verify token", async () => {
    const ok = await call('GET', '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=local-whatsapp-verify-token');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(ok.body).toBe('1158201444');
    expectProblem(await call('GET', '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=local-whatsapp-verify-tokem'), 403, 'forbidden');
    expectProblem(await call('GET', '/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=local-whatsapp-verify-token'), 403, 'forbidden');
    expectProblem(await call('GET', '/webhooks/whatsapp'), 403, 'forbidden');
  });

  it('a signed message is stored once; a one-byte change (even whitespace) → 401 and nothing stored', async () => {
    const p = await practiceWithChannels();
    const raw = whatsappBody(p.whatsapp, uniqueNumber());
    const signature = whatsappSignature(raw);
    expectProblem(await postWhatsApp(oneByteChanged(raw), signature), 401, 'unauthorized');
    expectProblem(await postWhatsApp(raw.replace('\n', '\n '), signature), 401, 'unauthorized');
    expectProblem(await postWhatsApp(JSON.stringify(JSON.parse(raw)), signature), 401, 'unauthorized');
    expectProblem(await postWhatsApp(raw, 'sha256=00'), 401, 'unauthorized');
    expect(await p.inbox()).toEqual([]);
    expect((await postWhatsApp(raw)).body).toEqual({ ok: true });
    expect((await postWhatsApp(raw)).status).toBe(200);
    const inbox = await eventually('the WhatsApp conversation', p.inbox, (items) => items.length > 0);
    expect(inbox).toHaveLength(1);
    expect((await call('GET', `/v1/conversations/${inbox[0]!.id}/messages`, { token: p.staff.token })).body.items).toHaveLength(1);
  });

  it('statuses and the image fixture are acknowledged; a phone-number id nobody holds stores nothing', async () => {
    const p = await practiceWithChannels();
    for (const name of ['whatsapp-status-sent.json', 'whatsapp-status-delivered.json', 'whatsapp-status-failed.json']) {
      const raw = fixtureText(name).replace(/"phone_number_id": "\d+"/, `"phone_number_id": "${p.whatsapp}"`);
      expect((await postWhatsApp(raw)).status, name).toBe(200);
    }
    expect((await postWhatsApp(fixtureText('whatsapp-inbound-image.json'))).status).toBe(200);
    expect(await p.inbox()).toEqual([]);
  });
});

describe('SES webhook (SNS)', () => {
  it('an inbound email (SNS v2 and v1 signatures; UTF8 and BASE64 content) is stored once per SES message id', async () => {
    const p = await practiceWithChannels();
    const from = `patient-${ulid().toLowerCase()}@example.com`;
    const message = sesInbound(p.email, from);
    const v2 = snsNotification(message, '2');
    expect((await postSns(v2)).status).toBe(204);
    expect((await postSns(snsNotification(message, '1'))).status).toBe(204);
    const base64 = { ...message, receipt: { ...message.receipt, action: { ...message.receipt.action, encoding: 'BASE64' } }, content: Buffer.from(message.content).toString('base64') };
    expect((await postSns(snsNotification(base64, '2'))).status).toBe(204);
    const inbox = await eventually('the email conversation', p.inbox, (items) => items.length > 0);
    expect(inbox).toHaveLength(1);
    const messages = await call('GET', `/v1/conversations/${inbox[0]!.id}/messages`, { token: p.staff.token });
    expect(messages.body.items).toHaveLength(1);
    expect(messages.body.items[0].body).toBe('Example content');
  });

  it('a one-byte change, a certificate URL off the SNS host rule, a version switched → 401 and nothing stored', async () => {
    const p = await practiceWithChannels();
    const signed = JSON.parse(snsNotification(sesInbound(p.email, 'x@example.com'), '2'));
    expectProblem(await postSns(JSON.stringify({ ...signed, Message: oneByteChanged(signed.Message) })), 401, 'unauthorized');
    expectProblem(await postSns(JSON.stringify({ ...signed, SigningCertURL: CERT_URL.replace('amazonaws.com', 'amazonaws.com.evil.example') })), 401, 'unauthorized');
    expectProblem(await postSns(JSON.stringify({ ...signed, SignatureVersion: '1' })), 401, 'unauthorized');
    expectProblem(await postSns(JSON.stringify({ ...signed, TopicArn: `${TOPIC}-other` })), 401, 'unauthorized');
    expectProblem(await postSns('not json at all'), 401, 'unauthorized');
    expect(await p.inbox()).toEqual([]);
  });

  it('a SubscriptionConfirmation is confirmed when signed and its SubscribeURL passes the host rule; 401 otherwise', async () => {
    const doc = fixtureJson('sns-subscription-confirmation.json');
    const body = { ...doc, SigningCertURL: CERT_URL, SignatureVersion: '2' };
    delete body.Signature;
    expect((await postSns(JSON.stringify(signSns(body)))).status).toBe(204);
    const evil = signSns({ ...body, SubscribeURL: 'https://sns.us-west-2.amazonaws.com.evil.example/?Action=ConfirmSubscription' });
    expectProblem(await postSns(JSON.stringify(evil)), 401, 'unauthorized');
    expectProblem(await postSns(JSON.stringify({ ...signSns(body), Token: 'x' })), 401, 'unauthorized');
  });

  it('SES receipts in both shapes are acknowledged; an email to an address nobody holds is stored nowhere', async () => {
    const p = await practiceWithChannels();
    for (const name of ['ses-delivery.json', 'ses-event-bounce.json', 'ses-complaint.json', 'ses-event-delivery.json']) {
      const m = fixtureJson(name);
      m.mail.tags = { ...(m.mail.tags ?? {}), practice: [p.practiceId] };
      expect((await postSns(snsNotification(m))).status, name).toBe(204);
    }
    expect((await postSns(snsNotification(sesInbound(`nobody-${ulid().toLowerCase()}@clinic.example.com`, 'x@example.com')))).status).toBe(204);
    expect(await p.inbox()).toEqual([]);
  });
});

describe('End User Messaging two-way SMS (POST /dev/sms-inbound locally)', () => {
  it('is handled like a Twilio SMS: stored once per inboundMessageId', async () => {
    const p = await practiceWithChannels();
    const payload = { ...fixtureJson('eum-sms-inbound.json'), destinationNumber: p.sms, originationNumber: uniqueNumber(), inboundMessageId: ulid(), messageBody: 'Running late' };
    expect((await call('POST', '/dev/sms-inbound', { body: payload })).status).toBe(200);
    expect((await call('POST', '/dev/sms-inbound', { body: payload })).status).toBe(200);
    const inbox = await eventually('the SMS conversation', p.inbox, (items) => items.length > 0);
    expect(inbox).toHaveLength(1);
    expectProblem(await call('POST', '/dev/sms-inbound', { body: { messageBody: 'x' } }), 400, 'validation_failed');
  });
});
