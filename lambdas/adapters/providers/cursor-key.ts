/**
 * The AES-256 key list cursors are sealed with (lambdas/http/sealed-cursor.ts), derived with
 * HKDF-SHA256 from a secret: on AWS the Secrets Manager secret the stateful stack creates
 * (`CURSOR_SECRET_ID`), read through Powertools Parameters with caching like every other
 * secret; locally the value itself (`CURSOR_SECRET`, random per run of the local runtime).
 * Read only when a list is paged, so functions without lists never ask for it.
 */
import { hkdfSync } from 'node:crypto';
import { config } from '../../config.js';
import type { CursorKeySource } from '../../http/sealed-cursor.js';
import { secretToken, type AccessTokenSource } from './secret-token.js';

export type { CursorKeySource };

const INFO = 'practice-messaging list cursor v1';

/** The 32-byte key of a secret value. */
export const cursorKeyOf = (secret: string): Buffer => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), INFO, 32));

/** The key of `read`'s secret; derived again only when the secret's value changes. */
export function cursorKeyFrom(read: AccessTokenSource): CursorKeySource {
  let last: { secret: string; key: Buffer } | undefined;
  return async () => {
    const secret = await read();
    if (last?.secret !== secret) last = { secret, key: cursorKeyOf(secret) };
    return last.key;
  };
}

function configured(): CursorKeySource {
  if (config.CURSOR_SECRET_ID) return cursorKeyFrom(secretToken({ secretId: config.CURSOR_SECRET_ID }));
  const value = config.CURSOR_SECRET;
  if (value) return cursorKeyFrom(async () => value);
  return async () => {
    throw new Error('No cursor secret: set CURSOR_SECRET_ID (AWS) or CURSOR_SECRET (local)');
  };
}

/** The key source of this execution environment. */
export const cursorKey: CursorKeySource = configured();
