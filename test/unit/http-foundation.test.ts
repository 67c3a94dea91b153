import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasPermission } from '../../lambdas/domain/caller.js';
import { DomainError } from '../../lambdas/domain/errors.js';
import { decodeCursor, encodeCursor } from '../../lambdas/adapters/dynamo/cursor.js';
import { toProblem } from '../../lambdas/http/problem.js';
import { validate } from '../../lambdas/http/validation.js';
import { caller } from './helpers.js';

process.env.TABLE_NAME ??= 'unit';
const { canonicalJson } = await import('../../lambdas/http/idempotency.js');

describe('Validation', () => {
  const schema = z.strictObject({ name: z.string(), age: z.number().int() });

  it('lists every invalid field, unknown fields at their own path', () => {
    try {
      validate(schema, { age: 1.5, extra: 1, more: 2 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const err = e as DomainError;
      expect(err.kind).toBe('validation_failed');
      expect(err.errors?.map((x) => x.path).sort()).toEqual(['age', 'extra', 'more', 'name']);
    }
  });

  it('adds context checks beside zod, even when zod fails', () => {
    expect(() =>
      validate(schema, { name: 'x' }, () => [{ path: 'phone', message: 'bad' }]),
    ).toThrowError(expect.objectContaining({ errors: expect.arrayContaining([expect.objectContaining({ path: 'phone' })]) }));
  });
});

describe('Problem documents', () => {
  it('keep the code and detail of a domain error', () => {
    const res = toProblem(new DomainError('conversation_exists', 'd', { data: { existingConversationId: 'c1' } }));
    expect(res.statusCode).toBe(409);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body as string)).toMatchObject({ code: 'conversation_exists', status: 409, detail: 'd', existingConversationId: 'c1' });
  });

  it('never echo an unexpected error', () => {
    const res = toProblem(new Error('secret patient name'));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
  });
});

describe('Permissions', () => {
  it('an admin holds every permission; others hold what their record lists', () => {
    expect(hasPermission(caller('admin', { permissions: [] }), 'manage_contacts')).toBe(true);
    expect(hasPermission(caller('receptionist', { permissions: [] }), 'send_messages')).toBe(false);
    expect(hasPermission(caller('receptionist', { permissions: ['send_messages'] }), 'send_messages')).toBe(true);
  });
});

describe('Cursors and idempotency bodies', () => {
  it('a cursor round-trips for its own partition only', () => {
    const key = { pk: 'P#a#X', sk: 'S' };
    const cursor = encodeCursor(key) as string;
    expect(decodeCursor(cursor, { attribute: 'pk', value: 'P#a#X' })).toEqual(key);
    expect(() => decodeCursor(cursor, { attribute: 'pk', value: 'P#b#X' })).toThrow(DomainError);
    expect(() => decodeCursor('%%%', { attribute: 'pk', value: 'P#a#X' })).toThrow(DomainError);
  });

  it('one body in two key orders is one canonical body', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});
