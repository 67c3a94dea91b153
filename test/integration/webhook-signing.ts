/** Signing webhook requests in tests as each provider would: SNS with the throwaway key, Twilio and Meta with the local secrets. */
import { createHmac, createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ulid } from 'ulid';
import { snsStringToSign, SnsMessage } from '../../lambdas/adapters/webhooks/sns-verifier.js';
import { LOCAL_WEBHOOK_DEFAULTS } from '../../lambdas/adapters/webhooks/local-defaults.js';
import { baseUrl, call } from './api-client.js';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/webhooks');
export const fixtureText = (name: string) => readFileSync(resolve(FIXTURES, name), 'utf8');
export const fixtureJson = (name: string) => JSON.parse(fixtureText(name));
const key = readFileSync(resolve(FIXTURES, 'test-key.pem'), 'utf8');

export const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:practice-messaging-ses';

/** An SNS notification carrying `message`, signed with the test key (version 2 unless told). */
export function snsNotification(message: unknown, version: '1' | '2' = '2', over: Record<string, string> = {}): string {
  const body: Record<string, string> = {
    Type: 'Notification',
    MessageId: ulid(),
    TopicArn: TOPIC,
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: new Date().toISOString(),
    SignatureVersion: version,
    SigningCertURL: CERT_URL,
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
    ...over,
  };
  return JSON.stringify(signSns(body));
}

export function signSns(body: Record<string, string>): Record<string, string> {
  const signer = createSign(body.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(snsStringToSign(SnsMessage.parse({ ...body, Signature: 'x' })));
  return { ...body, Signature: signer.sign(key, 'base64') };
}

export const postSns = (raw: string) =>
  call('POST', '/webhooks/ses', { rawBody: raw, headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' } });

export const twilioSignature = (path: string, form: string) =>
  createHmac('sha1', LOCAL_WEBHOOK_DEFAULTS.TWILIO_AUTH_TOKEN)
    .update([...new URLSearchParams(form).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).reduce((acc, [k, v]) => acc + k + v, `${baseUrl()}${path}`), 'utf8')
    .digest('base64');

export const postTwilio = (form: string, signature = twilioSignature('/webhooks/sms/twilio', form)) =>
  call('POST', '/webhooks/sms/twilio', { rawBody: form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });

export const whatsappSignature = (raw: string | Buffer) => `sha256=${createHmac('sha256', LOCAL_WEBHOOK_DEFAULTS.WHATSAPP_APP_SECRET).update(raw).digest('hex')}`;

export const postWhatsApp = (raw: string, signature = whatsappSignature(raw)) =>
  call('POST', '/webhooks/whatsapp', { rawBody: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } });

/** A number nobody else in the run holds. */
export const uniqueNumber = () => `+1${200 + Math.floor(Math.random() * 700)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
export const uniqueDigits = () => String(Date.now()) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0');

/** Changes one byte of `s` (the middle one). */
export function oneByteChanged(s: string): string {
  const i = Math.floor(s.length / 2);
  const c = s.charCodeAt(i);
  return s.slice(0, i) + String.fromCharCode(c === 0x61 ? 0x62 : 0x61) + s.slice(i + 1);
}
