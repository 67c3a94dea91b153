/**
 * Meta's webhook proofs: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body bytes,
 * keyed with the app secret>` on notifications (never a re-serialised body), and the GET
 * verification handshake (`hub.mode=subscribe`, `hub.verify_token` equal to ours, echo
 * `hub.challenge`). Both compared in constant time.
 */
import { createHmac } from 'node:crypto';
import { sameSecret } from './constant-time.js';

export const whatsappSignature = (appSecret: string, rawBody: Uint8Array): string =>
  `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;

export function isValidWhatsAppSignature(appSecret: string, rawBody: Uint8Array, header: string | undefined): boolean {
  if (!header || !appSecret) return false;
  return sameSecret(whatsappSignature(appSecret, rawBody), header.trim().toLowerCase());
}

/** The challenge to echo when the handshake is ours (a short token: Meta sends digits; nothing else is echoed), else null (403). */
export function whatsappHandshake(
  verifyToken: string,
  query: { 'hub.mode'?: string | undefined; 'hub.verify_token'?: string | undefined; 'hub.challenge'?: string | undefined },
): string | null {
  if (!verifyToken || query['hub.mode'] !== 'subscribe') return null;
  const challenge = query['hub.challenge'];
  if (challenge === undefined || !/^[A-Za-z0-9_-]{1,128}$/.test(challenge) || !sameSecret(query['hub.verify_token'] ?? '', verifyToken)) return null;
  return challenge;
}
