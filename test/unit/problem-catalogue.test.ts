import { describe, expect, it } from 'vitest';
import { DomainError, conflict, validationFailed, type ErrorKind } from '../../lambdas/domain/errors.js';
import { problemCatalogue, problemResponse, publicCode } from '../../lambdas/http/problem.js';

const body = (e: DomainError) => JSON.parse(problemResponse(e).body as string) as Record<string, unknown>;

describe('One error catalogue', () => {
  it('one public code may answer with two statuses through two kinds (chat_disabled 403 and 422)', () => {
    const self = problemResponse(new DomainError('chat_disabled', 'd'));
    const recipient = problemResponse(new DomainError('recipient_chat_disabled', 'd'));
    expect([self.statusCode, recipient.statusCode]).toEqual([403, 422]);
    expect(body(new DomainError('recipient_chat_disabled', 'd'))).toMatchObject({ code: 'chat_disabled', title: 'Chat is unavailable' });
  });

  it('a problem body carries type, title, status, code, detail, errors and the data members', () => {
    expect(body(validationFailed([{ path: 'a', message: 'm' }]))).toEqual({
      type: 'https://docs.practice-messaging.dev/problems/validation_failed',
      title: 'Validation failed',
      status: 400,
      code: 'validation_failed',
      detail: 'The request is invalid.',
      errors: [{ path: 'a', message: 'm' }],
    });
    expect(body(conflict('already_blocked', 'd', { existingBlockId: 'b1' }))).toEqual({
      type: 'https://docs.practice-messaging.dev/problems/already_blocked',
      title: 'Conflict',
      status: 409,
      code: 'already_blocked',
      detail: 'd',
      existingBlockId: 'b1',
    });
  });

  it('the type URL names the public code, not the kind', () => {
    expect(body(new DomainError('reply_forbidden', 'd'))).toMatchObject({
      type: 'https://docs.practice-messaging.dev/problems/forbidden',
      code: 'forbidden',
      title: 'Reply not allowed',
      status: 403,
    });
  });

  it('every (public code, status, title) answer has exactly one kind', () => {
    const seen = new Map<string, ErrorKind>();
    for (const kind of Object.keys(problemCatalogue) as ErrorKind[]) {
      const { status, title } = problemCatalogue[kind];
      const key = `${publicCode(kind)} ${status} ${title}`;
      expect(seen.get(key), key).toBeUndefined();
      seen.set(key, kind);
    }
  });
});
