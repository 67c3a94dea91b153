/**
 * The only place that knows HTTP statuses and titles of errors and writes error bodies:
 * DomainErrors keep their public code, detail and data; anything unexpected becomes a generic
 * 500 that is logged (without PHI) and never echoed.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError, internalError, type ErrorKind } from '../domain/errors.js';
import { logger } from '../logger.js';
import type { HttpResponse } from './responses.js';

const PROBLEM_BASE = 'https://docs.practice-messaging.dev/problems/';

export interface ProblemEntry {
  status: number;
  title: string;
  /** The public `code` when it differs from the kind (one public code answering with two statuses or titles). */
  code?: string;
  /** Headers the answer carries besides its content type (`Retry-After` on 429). */
  headers?: Record<string, string>;
}

const conflictEntry: ProblemEntry = { status: 409, title: 'Conflict' };
const replyRefused = (code?: string): ProblemEntry => ({ status: 403, title: 'Reply not allowed', ...(code ? { code } : {}) });

export const problemCatalogue: Record<ErrorKind, ProblemEntry> = {
  validation_failed: { status: 400, title: 'Validation failed' },
  invalid_cursor: { status: 400, title: 'Invalid cursor' },
  attachments_not_allowed: { status: 400, title: 'Attachments not allowed' },
  attachment_not_ready: { status: 400, title: 'Attachment not ready' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  unknown_caller: { status: 403, title: 'Unknown caller' },
  conversation_rule: { status: 403, title: 'Not allowed to start this conversation' },
  chat_disabled: { status: 403, title: 'Chat is disabled' },
  not_a_participant: { status: 403, title: 'Not a participant' },
  reply_not_a_participant: replyRefused('not_a_participant'),
  reply_not_allowed: replyRefused(),
  reply_forbidden: replyRefused('forbidden'),
  patient_inactive: replyRefused(),
  delete_not_allowed: { status: 403, title: 'Delete not allowed' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'Not found' },
  conversation_exists: { status: 409, title: 'Conversation exists' },
  already_blocked: conflictEntry,
  block_not_active: conflictEntry,
  concurrent_update: conflictEntry,
  contact_blocked: conflictEntry,
  idempotency_key_reused: conflictEntry,
  idempotency_in_progress: conflictEntry,
  opt_out_by_recipient: { status: 409, title: 'Opted out by the recipient' },
  channel_address_taken: { status: 409, title: 'Channel address taken' },
  attachment_too_large: { status: 413, title: 'Attachment too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  recipient_chat_disabled: { status: 422, title: 'Chat is unavailable', code: 'chat_disabled' },
  channel_unavailable: { status: 422, title: 'Channel unavailable' },
  note_not_allowed: { status: 422, title: 'Note not allowed' },
  attachments_too_large_for_channel: { status: 422, title: 'Attachments cannot go on this channel' },
  audience_too_large: { status: 422, title: 'Audience too large' },
  // The bound: a reply retries its transaction for about 4 s (reply.ts, busyConversation) before this answer.
  conversation_busy: { status: 429, title: 'Conversation busy', headers: { 'retry-after': '1' } },
  internal_error: { status: 500, title: 'Internal error' },
};

/** The stable machine code clients see for a kind. */
export const publicCode = (kind: ErrorKind): string => problemCatalogue[kind].code ?? kind;

export function problemResponse(error: DomainError): HttpResponse {
  const { status, title, headers } = problemCatalogue[error.kind];
  const code = publicCode(error.kind);
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify({
      type: `${PROBLEM_BASE}${code}`,
      title,
      status,
      code,
      detail: error.detail,
      ...(error.errors ? { errors: error.errors } : {}),
      ...error.data,
    }),
  };
}

export function toProblem(error: unknown): HttpResponse {
  if (error instanceof DomainError) return problemResponse(error);
  logger.error('unhandled error', {
    errorName: error instanceof Error ? error.name : typeof error,
    // Frames only: the first line of a stack repeats the message, which may carry PHI.
    frames: error instanceof Error ? error.stack?.split('\n').slice(1).join('\n') : undefined,
  });
  return problemResponse(internalError());
}

export function problemErrors(): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      request.response = toProblem(request.error);
    },
  };
}
