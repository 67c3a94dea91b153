import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../lambdas/domain/errors.js';
import { CURSOR_TTL_MS, openCursor, sealCursor, type CursorBinding } from '../../../lambdas/http/sealed-cursor.js';

const key = randomBytes(32);
const binding: CursorBinding = { practiceId: 'p1', callerId: 'staff-1', list: 'GET /v1/contacts' };
const position = Buffer.from(JSON.stringify({ pk: 'P#p1#CONTACTS', sk: 'NAME#jane doe#+12025550100' })).toString('base64url');
const now = Date.parse('2026-11-30T12:00:00Z');

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return e instanceof DomainError ? e.kind : `not a DomainError: ${String(e)}`;
  }
  return undefined;
}

describe('sealed list cursors', () => {
  it('open to the position they seal, for the same practice, caller and list', () => {
    const sealed = sealCursor(key, binding, position, now);
    expect(openCursor(key, binding, sealed, now + 1000)).toBe(position);
  });

  it('reveal no key, name or number: the bytes are not the position and differ each time', () => {
    const a = sealCursor(key, binding, position, now);
    const b = sealCursor(key, binding, position, now);
    expect(a).not.toBe(b);
    const decoded = Buffer.from(a, 'base64url').toString('latin1');
    for (const leak of ['jane', '2025550100', 'P#p1', 'NAME#', position]) expect(decoded).not.toContain(leak);
  });

  it('refuse a cursor with any byte altered', () => {
    const sealed = Buffer.from(sealCursor(key, binding, position, now), 'base64url');
    for (let i = 0; i < sealed.length; i += 7) {
      const altered = Buffer.from(sealed);
      altered[i] = (altered[i] as number) ^ 0x01;
      expect(refusal(() => openCursor(key, binding, altered.toString('base64url'), now))).toBe('invalid_cursor');
    }
    expect(refusal(() => openCursor(key, binding, sealed.subarray(0, sealed.length - 1).toString('base64url'), now))).toBe('invalid_cursor');
  });

  it('refuse a cursor of another practice, another caller or another list', () => {
    const sealed = sealCursor(key, binding, position, now);
    expect(refusal(() => openCursor(key, { ...binding, practiceId: 'p2' }, sealed, now))).toBe('invalid_cursor');
    expect(refusal(() => openCursor(key, { ...binding, callerId: 'staff-2' }, sealed, now))).toBe('invalid_cursor');
    expect(refusal(() => openCursor(key, { ...binding, list: 'GET /v1/blocks' }, sealed, now))).toBe('invalid_cursor');
  });

  it('refuse a cursor sealed under another key (another stage, or the key rotated)', () => {
    const sealed = sealCursor(randomBytes(32), binding, position, now);
    expect(refusal(() => openCursor(key, binding, sealed, now))).toBe('invalid_cursor');
  });

  it('expire after 24 hours', () => {
    const sealed = sealCursor(key, binding, position, now);
    expect(openCursor(key, binding, sealed, now + CURSOR_TTL_MS - 1)).toBe(position);
    expect(refusal(() => openCursor(key, binding, sealed, now + CURSOR_TTL_MS))).toBe('invalid_cursor');
  });

  it('refuse what is not a cursor at all without throwing anything else', () => {
    for (const junk of ['garbage', '', '!!!!', 'AA', Buffer.alloc(80).toString('base64url')]) {
      expect(refusal(() => openCursor(key, binding, junk, now))).toBe('invalid_cursor');
    }
  });
});
