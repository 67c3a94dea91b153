/**
 * One error model. Every rule that refuses something throws a DomainError carrying a stable
 * `kind` (one per broken rule and answer), a human `detail` and the data the answer needs.
 * Nothing here knows HTTP: `lambdas/http/problem.ts` alone maps a kind to its status, title
 * and public code. Nothing here does I/O.
 */
export interface FieldError {
  path: string;
  message: string;
}

export type ErrorKind =
  // 400
  | 'validation_failed'
  | 'invalid_cursor'
  | 'attachments_not_allowed'
  | 'attachment_not_ready'
  // 401
  | 'unauthorized'
  // 403
  | 'forbidden'
  | 'unknown_caller'
  | 'conversation_rule'
  | 'chat_disabled'
  | 'not_a_participant'
  | 'reply_not_a_participant'
  | 'reply_not_allowed'
  | 'reply_forbidden'
  | 'patient_inactive'
  | 'delete_not_allowed'
  // 404
  | 'not_found'
  | 'route_not_found'
  // 409
  | ConflictKind
  // 413
  | 'attachment_too_large'
  // 415
  | 'unsupported_media_type'
  // 422
  | 'recipient_chat_disabled'
  | 'channel_unavailable'
  | 'note_not_allowed'
  | 'attachments_too_large_for_channel'
  | 'audience_too_large'
  // 429
  | 'conversation_busy'
  // 500
  | 'internal_error';

/** The kinds `conflict()` builds: a state that forbids the change right now. */
export type ConflictKind =
  | 'conversation_exists'
  | 'already_blocked'
  | 'block_not_active'
  | 'concurrent_update'
  | 'contact_blocked'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  | 'opt_out_by_recipient'
  | 'channel_address_taken';

export interface DomainErrorOptions {
  /** Extra members of the problem document, e.g. `{ existingConversationId }`. */
  data?: Record<string, unknown>;
  errors?: FieldError[];
}

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly detail: string;
  /** Extra members of the problem document, e.g. `{ existingConversationId }`. */
  readonly data: Record<string, unknown>;
  readonly errors?: FieldError[];

  constructor(kind: ErrorKind, detail: string, options: DomainErrorOptions = {}) {
    super(detail);
    this.name = 'DomainError';
    this.kind = kind;
    this.detail = detail;
    this.data = options.data ?? {};
    if (options.errors) this.errors = options.errors;
  }
}

/** A conversation start that the who-may-message-whom rules refuse. */
export class ConversationRuleBroken extends DomainError {
  constructor(detail: string) {
    super('conversation_rule', detail);
    this.name = 'ConversationRuleBroken';
  }
}

/** A reply the reply rules refuse; `canReply: false` reports the same error's public code. */
export class ReplyRefused extends DomainError {
  constructor(kind: 'reply_not_a_participant' | 'reply_not_allowed' | 'reply_forbidden' | 'patient_inactive', detail: string) {
    super(kind, detail);
    this.name = 'ReplyRefused';
  }
}

export const validationFailed = (errors: FieldError[], detail = 'The request is invalid.') =>
  new DomainError('validation_failed', detail, { errors });

/** A list cursor that was altered, is for another practice, caller or list, or has expired. */
export const invalidCursor = () =>
  new DomainError('invalid_cursor', 'The cursor is not valid for this list: start again from the first page.');

export const unsupportedMediaType = () =>
  new DomainError('unsupported_media_type', 'Request bodies are application/json.');

export const notFound = (what: string) => new DomainError('not_found', `${what} was not found.`);

export const routeNotFound = () => new DomainError('route_not_found', 'No such route.');

export const forbidden = (detail: string) => new DomainError('forbidden', detail);

export const unauthorized = (detail = 'A valid bearer token is required.') => new DomainError('unauthorized', detail);

export const unknownCaller = () =>
  new DomainError('unknown_caller', 'The caller is not in the practice directory with the role its token claims.');

export const conflict = (kind: ConflictKind, detail: string, data?: Record<string, unknown>) =>
  new DomainError(kind, detail, data ? { data } : {});

/** The record changed between read and conditional write too often; the client should retry. */
export const concurrentUpdate = (detail = 'The record changed while it was being updated; read it again and retry.') =>
  conflict('concurrent_update', detail);

/** Too many writers on one conversation at once, past the bounded retries: the client should retry after a moment. */
export const conversationBusy = () =>
  new DomainError('conversation_busy', 'This conversation is busy with other replies right now; retry in a moment.');

export const internalError = () =>
  new DomainError('internal_error', 'Something went wrong on our side. The request can be retried.');
