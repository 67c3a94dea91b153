/**
 * Turning an AWS SDK v3 error into a SendResult. Shared by the SES and SNS senders: each passes
 * its own table of service error names; what is common to every AWS service lives here.
 *
 * The senders' clients make one attempt (`maxAttempts: 1`): an SDK retry could duplicate a send.
 * A failure where the request may have reached the provider (a timeout, a connection reset or
 * broken pipe after the request left) is `ambiguous`: the dispatcher ends it `outcome_unknown`.
 * A connection that never opened (refused, DNS, unreachable) is plainly retryable.
 *
 * Only error *names*, fault kinds and status codes are read: never `message`, which can echo the
 * recipient's address (SES "Email address is not verified: …", SNS "Invalid parameter: PhoneNumber …").
 */
import type { SendResult } from '../../use-cases/provider-ports.js';

export interface Classification {
  retryable: boolean;
  reason: string;
  /** The request may have been accepted: never send it again. */
  ambiguous?: boolean;
}

/** Service-error name → classification, per service. */
export type ErrorTable = Readonly<Record<string, Classification>>;

interface SdkServiceErrorShape {
  name: string;
  $fault: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** Names every AWS service may return (the "common errors" of the API references). */
const COMMON: ErrorTable = {
  ThrottlingException: { retryable: true, reason: 'throttled' },
  Throttling: { retryable: true, reason: 'throttled' },
  TooManyRequestsException: { retryable: true, reason: 'throttled' },
  RequestLimitExceeded: { retryable: true, reason: 'throttled' },
  ServiceUnavailable: { retryable: true, reason: 'provider_unavailable' },
  ServiceUnavailableException: { retryable: true, reason: 'provider_unavailable' },
  InternalFailure: { retryable: true, reason: 'provider_unavailable' },
  RequestTimeout: { retryable: true, reason: 'timeout', ambiguous: true },
  RequestTimeoutException: { retryable: true, reason: 'timeout', ambiguous: true },
  // Our IAM policy or credentials: an operator fixes it, the message itself is fine.
  AccessDeniedException: { retryable: true, reason: 'access_denied' },
  ExpiredTokenException: { retryable: true, reason: 'credentials_expired' },
};

/** Node and SDK errors raised when the connection never opened: nothing reached the provider. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Raised when the request may have left and no answer came back. */
const LOST_ANSWER_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout']);

function isServiceError(err: unknown): err is SdkServiceErrorShape {
  return (
    typeof err === 'object' && err !== null &&
    typeof (err as { name?: unknown }).name === 'string' &&
    ((err as { $fault?: unknown }).$fault === 'client' || (err as { $fault?: unknown }).$fault === 'server')
  );
}

/** A reason built from an error name: safe (names come from the service model) and bounded. */
export function nameReason(prefix: string, name: string): string {
  return `${prefix}${name.replace(/[^A-Za-z0-9_]/g, '').slice(0, 64) || 'Unknown'}`;
}

export function classifyAwsError(err: unknown, table: ErrorTable): Classification {
  if (isServiceError(err)) {
    const known = table[err.name] ?? COMMON[err.name];
    if (known) return known;
    const status = err.$metadata?.httpStatusCode;
    if (err.$retryable?.throttling || status === 429) return { retryable: true, reason: 'throttled' };
    if (err.$retryable || err.$fault === 'server' || (status !== undefined && status >= 500)) {
      return { retryable: true, reason: 'provider_unavailable' };
    }
    // An unlisted client fault: the request itself is wrong and will stay wrong.
    return { retryable: false, reason: nameReason('provider_error_', err.name) };
  }
  if (typeof err === 'object' && err !== null) {
    const { name, code } = err as { name?: unknown; code?: unknown };
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return { retryable: true, reason: 'network_error' };
    if (typeof name === 'string' && TIMEOUT_NAMES.has(name)) return { retryable: true, reason: 'timeout', ambiguous: true };
    if (typeof code === 'string' && code === 'ETIMEDOUT') return { retryable: true, reason: 'timeout', ambiguous: true };
    if (typeof code === 'string' && LOST_ANSWER_CODES.has(code)) return { retryable: true, reason: 'network_error', ambiguous: true };
    if (name === 'CredentialsProviderError') return { retryable: true, reason: 'credentials_unavailable' };
  }
  // No service answer and not a recognisable network failure: retry (bounded by the dispatcher,
  // then the DLQ) rather than declare the message undeliverable because of our own bug.
  return { retryable: true, reason: 'unexpected_error' };
}

export function failure(c: Classification): SendResult {
  return { ok: false, retryable: c.retryable, reason: c.reason, ...(c.ambiguous ? { ambiguous: true } : {}) };
}
