/**
 * Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the account's auth token, of the
 * URL Twilio called followed by every POST parameter (sorted by name, byte order) as name then
 * value, no separators, values URL-decoded. Every parameter received is signed over, never a
 * fixed list (Twilio adds parameters without notice). Compared in constant time.
 */
import { createHmac } from 'node:crypto';
import { sameSecret } from './constant-time.js';

/** The parameters of a form-encoded body, decoded, in order; a repeated name keeps every value. */
export function formParams(body: string): [string, string][] {
  return [...new URLSearchParams(body).entries()];
}

export function twilioSignature(authToken: string, url: string, params: readonly [string, string][]): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const data = sorted.reduce((acc, [k, v]) => acc + k + v, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function isValidTwilioSignature(authToken: string, url: string, params: readonly [string, string][], header: string | undefined): boolean {
  if (!header || !authToken) return false;
  return sameSecret(twilioSignature(authToken, url, params), header);
}
