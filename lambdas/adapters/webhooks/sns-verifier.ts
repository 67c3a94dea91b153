/**
 * Amazon SNS HTTP(S) message signatures, versions 1 (SHA1withRSA) and 2 (SHA256withRSA), checked
 * with Node's crypto before anything in the message is used. `sns-payload-validator` was read
 * and not used: it cannot take the certificate from elsewhere (the local runtime has no way to
 * fetch AWS's) and it keeps the key list of the message being checked in module state shared by
 * concurrent calls.
 *
 * - `SigningCertURL` (and a confirmation's `SubscribeURL`) must be `https` on an anchored
 *   `sns.<region>.amazonaws.com(.cn)` host; the certificate path must end in `.pem`.
 * - Only configured topics are accepted (an empty list accepts every topic only where the
 *   caller says so: locally without `SNS_TOPIC_ARNS`).
 * - Certificates come from an injected source (fetched over HTTPS and cached on AWS; a file
 *   locally).
 */
import { X509Certificate, createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as z from 'zod/mini';

const SNS_HOST = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

/** The host rule for `SigningCertURL` and `SubscribeURL`. */
export function isSnsUrl(raw: string, pathMustBePem = false): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false;
  if (!SNS_HOST.test(url.hostname)) return false;
  return !pathMustBePem || url.pathname.endsWith('.pem');
}

const text = z.string();
export const SnsMessage = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: text,
  TopicArn: text,
  Message: text,
  Timestamp: text,
  Signature: text,
  SignatureVersion: z.enum(['1', '2']),
  SigningCertURL: text,
  Subject: z.optional(z.nullable(text)),
  SubscribeURL: z.optional(text),
  Token: z.optional(text),
  UnsubscribeURL: z.optional(text),
});
export type SnsMessage = z.infer<typeof SnsMessage>;

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const SUBSCRIPTION_KEYS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/** The string SNS signs: `Name\nValue\n` for each signed field present, in byte order of the names. */
export function snsStringToSign(message: SnsMessage): string {
  const names = message.Type === 'Notification' ? NOTIFICATION_KEYS : SUBSCRIPTION_KEYS;
  let out = '';
  for (const name of names) {
    const value = (message as Record<string, unknown>)[name];
    if (typeof value === 'string') out += `${name}\n${value}\n`;
  }
  return out;
}

/** The PEM certificate at a URL that passed the host rule. */
export type CertificateSource = (url: string) => Promise<string>;

export interface SnsVerifierOptions {
  certificate: CertificateSource;
  /** Accepted topic ARNs; empty means any (locally only, when `SNS_TOPIC_ARNS` is not set). */
  topics: readonly string[];
  /** Empty `topics` accepts every topic only when this is true. */
  anyTopicWhenEmpty: boolean;
}

export type SnsVerdict = { ok: true; message: SnsMessage } | { ok: false; reason: string };

/** Verifies one SNS HTTP(S) body (the raw text). Never throws. */
export function snsVerifier(options: SnsVerifierOptions): (rawBody: string) => Promise<SnsVerdict> {
  const keys = new Map<string, Promise<KeyObject>>();
  const publicKey = (url: string) => {
    let key = keys.get(url);
    if (!key) {
      key = options.certificate(url).then((pem) => createPublicKey(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'pem' })));
      key.catch(() => keys.delete(url));
      keys.set(url, key);
    }
    return key;
  };
  const topics = new Set(options.topics);
  return async (rawBody) => {
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return { ok: false, reason: 'not_json' };
    }
    const parsed = SnsMessage.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'not_sns' };
    const message = parsed.data;
    if (!isSnsUrl(message.SigningCertURL, true)) return { ok: false, reason: 'cert_url' };
    if (topics.size === 0 ? !options.anyTopicWhenEmpty : !topics.has(message.TopicArn)) return { ok: false, reason: 'topic' };
    if (message.Type !== 'Notification' && (message.SubscribeURL === undefined || message.Token === undefined)) return { ok: false, reason: 'not_sns' };
    try {
      const key = await publicKey(message.SigningCertURL);
      const algorithm = message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
      const good = verify(algorithm, Buffer.from(snsStringToSign(message), 'utf8'), key, Buffer.from(message.Signature, 'base64'));
      if (!good) return { ok: false, reason: 'signature' };
    } catch {
      return { ok: false, reason: 'certificate' };
    }
    if (message.SubscribeURL !== undefined && message.Type === 'SubscriptionConfirmation' && !isSnsUrl(message.SubscribeURL)) {
      return { ok: false, reason: 'subscribe_url' };
    }
    return { ok: true, message };
  };
}

/** On AWS: the certificate fetched over HTTPS (cached by the verifier per URL for the life of the function). */
export const fetchedCertificate =
  (fetchImpl: typeof fetch = fetch): CertificateSource =>
  async (url) => {
    const res = await fetchImpl(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`certificate ${res.status}`);
    return res.text();
  };

/** Locally: one PEM file stands in for every URL that passed the host rule. */
export const fileCertificate =
  (pem: string): CertificateSource =>
  async () =>
    pem;
