/**
 * Sealed list cursors: what a client sees as `nextCursor` and sends back as `?cursor=`.
 * The list's own position (the repository's cursor, which holds DynamoDB keys with names and
 * phone numbers) is encrypted and authenticated with AES-256-GCM, so decoding a cursor reveals
 * nothing. The practice, the caller and the list (route and path parameters) are the
 * additional authenticated data: a cursor only opens for the list and the caller it was made
 * for. Its expiry is inside the ciphertext. Anything altered, foreign or expired is
 * `invalid_cursor`, never a DynamoDB error.
 *
 * Layout (base64url): version (1 byte) | IV (12) | tag (16) | ciphertext of `{ p, e }`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { invalidCursor } from '../domain/errors.js';

/** Who and what a cursor is for. */
export interface CursorBinding {
  practiceId: string;
  callerId: string;
  /** The list: route key and path parameters, e.g. `GET /v1/conversations/{id}/messages id=01J…`. */
  list: string;
}

/** How long a cursor can be used after it was handed out. */
/** Where the 32-byte sealing key comes from (a secret on AWS, an env value locally: lambdas/wiring.ts). */
export type CursorKeySource = () => Promise<Buffer>;

export const CURSOR_TTL_MS = 24 * 60 * 60 * 1000;

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

const aad = (b: CursorBinding): Buffer => Buffer.from(JSON.stringify([VERSION, b.practiceId, b.callerId, b.list]), 'utf8');

/** Seals `position` (the repository's cursor) for `binding`, valid until `now + ttlMs`. */
export function sealCursor(key: Buffer, binding: CursorBinding, position: string, now: number, ttlMs = CURSOR_TTL_MS): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(binding));
  const plain = Buffer.from(JSON.stringify({ p: position, e: now + ttlMs }), 'utf8');
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The position sealed in `cursor`, if it was made for `binding` and has not expired. */
export function openCursor(key: Buffer, binding: CursorBinding, cursor: string, now: number): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length <= HEADER_BYTES || bytes[0] !== VERSION) throw invalidCursor();
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, HEADER_BYTES));
    plain = Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES)), decipher.final()]);
  } catch {
    throw invalidCursor();
  }
  const payload = JSON.parse(plain.toString('utf8')) as { p?: unknown; e?: unknown };
  if (typeof payload.p !== 'string' || typeof payload.e !== 'number' || payload.e <= now) throw invalidCursor();
  return payload.p;
}
