import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formParams, isValidTwilioSignature, twilioSignature } from '../../../lambdas/adapters/webhooks/twilio-signature.js';
import { isValidWhatsAppSignature, whatsappHandshake } from '../../../lambdas/adapters/webhooks/whatsapp-signature.js';
import { fileCertificate, isSnsUrl, snsStringToSign, snsVerifier, SnsMessage } from '../../../lambdas/adapters/webhooks/sns-verifier.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/webhooks');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const text = (name: string) => fixture(name).toString('utf8');

describe('Twilio X-Twilio-Signature', () => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = (caller: string): [string, string][] => [
    ['CallSid', 'CA1234567890ABCDE'],
    ['Caller', caller],
    ['Digits', '1234'],
    ['From', caller],
    ['To', '+18005551212'],
  ];

  it("matches Twilio's published vector 0/KCTR6DLpKmkAf8muzZqo1nDgQ=", () => {
    expect(twilioSignature('12345', url, params('+12349013030'))).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(isValidTwilioSignature('12345', url, params('+12349013030'), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it("matches the twilio-php docs' second vector", () => {
    expect(isValidTwilioSignature('12345', url, params('+14158675309'), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
  });

  it('pins the fixture vectors (SMS and MMS) over every parameter received, decoded', () => {
    const token = 'test_auth_token_not_a_real_secret';
    const route = 'https://api.example.com/webhooks/twilio/sms';
    expect(isValidTwilioSignature(token, route, formParams(text('twilio-inbound-sms.txt').trim()), '8uBwUFnVMzYvluRTwRoHP9Rwyig=')).toBe(true);
    expect(isValidTwilioSignature(token, route, formParams(text('twilio-inbound-mms.txt').trim()), 's++14speYsKMoeCcYz//nklSDQ0=')).toBe(true);
  });

  it('refuses the signature for another URL (scheme changed), a changed parameter, another token, or none', () => {
    const token = 'test_auth_token_not_a_real_secret';
    const body = formParams(text('twilio-inbound-sms.txt').trim());
    expect(twilioSignature(token, 'http://api.example.com/webhooks/twilio/sms', body)).toBe('9ZZ0tiU3IJBjnoa03DCzOvCQBjY=');
    expect(isValidTwilioSignature(token, 'http://api.example.com/webhooks/twilio/sms', body, '8uBwUFnVMzYvluRTwRoHP9Rwyig=')).toBe(false);
    const changed = body.map(([k, v]): [string, string] => [k, k === 'Body' ? `${v}!` : v]);
    expect(isValidTwilioSignature(token, 'https://api.example.com/webhooks/twilio/sms', changed, '8uBwUFnVMzYvluRTwRoHP9Rwyig=')).toBe(false);
    expect(isValidTwilioSignature('other', 'https://api.example.com/webhooks/twilio/sms', body, '8uBwUFnVMzYvluRTwRoHP9Rwyig=')).toBe(false);
    expect(isValidTwilioSignature(token, 'https://api.example.com/webhooks/twilio/sms', body, undefined)).toBe(false);
  });
});

describe('WhatsApp X-Hub-Signature-256', () => {
  const secret = 'test_app_secret_not_a_real_secret';
  it.each([
    ['whatsapp-inbound-text.json', 'sha256=586ae16e2667c1f76adf7312a8bf7913de05424310baea01a1e4e330324d7dfa'],
    ['whatsapp-inbound-image.json', 'sha256=b8d0bec914f136caed3a173a42b042fbd1915ac4107c66c9be34cead575bb5a8'],
    ['whatsapp-status-delivered.json', 'sha256=f76a5b6bcd65c89a698c10898b0ce873873fea065bd9630f1b25cb56e580ed58'],
  ])('pins the fixture vector of %s over the exact bytes', (name, signature) => {
    expect(isValidWhatsAppSignature(secret, fixture(name), signature)).toBe(true);
  });

  it('signs the escaped form Meta sends, not a re-serialised body', () => {
    const escaped = Buffer.from('{"text":{"body":"Gr\\u00fc\\u00dfe \\u00e4\\u00f6\\u00e5"}}');
    expect(isValidWhatsAppSignature(secret, escaped, 'sha256=4cfea7a4d248456c9fc4fad65ac4c4cc467b571aa0e0a15cc88cd55f3ad97a34')).toBe(true);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(escaped.toString())));
    expect(isValidWhatsAppSignature(secret, reserialised, 'sha256=4cfea7a4d248456c9fc4fad65ac4c4cc467b571aa0e0a15cc88cd55f3ad97a34')).toBe(false);
    const compact = Buffer.from(JSON.stringify(JSON.parse(text('whatsapp-inbound-text.json'))));
    expect(isValidWhatsAppSignature(secret, compact, 'sha256=af8260cdb974ebcf948faf57661852dad08430c0586e9e596c72553f41009d93')).toBe(true);
    expect(isValidWhatsAppSignature(secret, compact, 'sha256=586ae16e2667c1f76adf7312a8bf7913de05424310baea01a1e4e330324d7dfa')).toBe(false);
  });

  it('refuses a one-byte change, another secret, a missing header', () => {
    const body = Buffer.from(fixture('whatsapp-inbound-text.json'));
    body[10] = body[10]! ^ 1;
    const good = 'sha256=586ae16e2667c1f76adf7312a8bf7913de05424310baea01a1e4e330324d7dfa';
    expect(isValidWhatsAppSignature(secret, body, good)).toBe(false);
    expect(isValidWhatsAppSignature('x', fixture('whatsapp-inbound-text.json'), good)).toBe(false);
    expect(isValidWhatsAppSignature(secret, fixture('whatsapp-inbound-text.json'), undefined)).toBe(false);
  });

  it("answers Meta's handshake with the challenge only for our verify token and mode subscribe", () => {
    const q = { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'meatyhamhock' };
    expect(whatsappHandshake('meatyhamhock', q)).toBe('1158201444');
    expect(whatsappHandshake('other', q)).toBeNull();
    expect(whatsappHandshake('meatyhamhock', { ...q, 'hub.mode': 'unsubscribe' })).toBeNull();
    expect(whatsappHandshake('meatyhamhock', { ...q, 'hub.challenge': '<script>' })).toBeNull();
    expect(whatsappHandshake('', { ...q, 'hub.verify_token': '' })).toBeNull();
  });
});

describe('SNS signatures (v1 SHA1, v2 SHA256)', () => {
  const pem = text('sns-signed/test-cert.pem');
  const verifyAny = snsVerifier({ certificate: fileCertificate(pem), topics: [], anyTopicWhenEmpty: true });
  const signed = [
    'ses-inbound-notification.v1.json',
    'ses-inbound-notification.v2.json',
    'subscription-confirmation.v1.json',
    'subscription-confirmation.v2.json',
    'eum-sms-inbound-notification.v1.json',
    'eum-sms-inbound-notification.v2.json',
  ];

  it('builds the documented string to sign (the SNS docs notification and subscription examples)', () => {
    const doc = SnsMessage.parse({
      Type: 'Notification',
      MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
      TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
      Subject: 'My First Message',
      Message: 'Hello world!',
      Timestamp: '2012-05-02T00:54:06.655Z',
      SignatureVersion: '1',
      Signature: 'x',
      SigningCertURL: 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
      UnsubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe',
    });
    expect(snsStringToSign(doc)).toBe(text('sns-signed/string-to-sign.doc-notification.txt'));
    const sub = JSON.parse(text('sns-subscription-confirmation.json'));
    expect(snsStringToSign(SnsMessage.parse(sub))).toBe(text('sns-signed/string-to-sign.doc-subscription-confirmation.txt'));
  });

  it.each(signed)('verifies %s', async (name) => {
    const verdict = await verifyAny(text(`sns-signed/${name}`));
    expect(verdict.ok).toBe(true);
  });

  it.each(signed)('refuses %s with one byte of its Message changed', async (name) => {
    const message = JSON.parse(text(`sns-signed/${name}`));
    message.Message = `${message.Message} `;
    expect(await verifyAny(JSON.stringify(message))).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a signature version switched (v2 signature claimed as v1)', async () => {
    const message = JSON.parse(text('sns-signed/ses-inbound-notification.v2.json'));
    message.SignatureVersion = '1';
    expect((await verifyAny(JSON.stringify(message))).ok).toBe(false);
  });

  it('refuses a certificate URL off the anchored SNS host rule', async () => {
    for (const url of [
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-x.pem',
      'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
      'https://evil.example/sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com/x.txt',
      'https://user@sns.us-east-1.amazonaws.com/x.pem',
    ]) {
      const message = JSON.parse(text('sns-signed/ses-inbound-notification.v2.json'));
      message.SigningCertURL = url;
      expect(await verifyAny(JSON.stringify(message)), url).toEqual({ ok: false, reason: 'cert_url' });
    }
    expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem', true)).toBe(true);
  });

  it('accepts only configured topics, and none when the list is empty and open lists are not allowed', async () => {
    const message = text('sns-signed/ses-inbound-notification.v2.json');
    const topic = JSON.parse(message).TopicArn as string;
    const only = snsVerifier({ certificate: fileCertificate(pem), topics: [topic], anyTopicWhenEmpty: false });
    expect((await only(message)).ok).toBe(true);
    const other = snsVerifier({ certificate: fileCertificate(pem), topics: ['arn:aws:sns:us-east-1:1:other'], anyTopicWhenEmpty: false });
    expect(await other(message)).toEqual({ ok: false, reason: 'topic' });
    const closed = snsVerifier({ certificate: fileCertificate(pem), topics: [], anyTopicWhenEmpty: false });
    expect(await closed(message)).toEqual({ ok: false, reason: 'topic' });
  });

  it('refuses what is not an SNS message, and a certificate that cannot be read', async () => {
    expect(await verifyAny('not json')).toEqual({ ok: false, reason: 'not_json' });
    expect(await verifyAny('{"Type":"Notification"}')).toEqual({ ok: false, reason: 'not_sns' });
    const broken = snsVerifier({ certificate: async () => 'not a pem', topics: [], anyTopicWhenEmpty: true });
    expect(await broken(text('sns-signed/ses-inbound-notification.v2.json'))).toEqual({ ok: false, reason: 'certificate' });
  });
});
