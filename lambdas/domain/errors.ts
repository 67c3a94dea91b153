/**
 * One error model. Every rule that refuses something throws a DomainError carrying the HTTP
 * status and a stable machine `code` from API.md; the problem+json middleware is the only
 * place that turns it into a response body. Nothing here does I/O.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** Extra members of the problem document, e.g. `existingConversationId`. */
  readonly extra: Record<string, unknown>;
  readonly errors?: FieldError[];

  constructor(args: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    extra?: Record<string, unknown>;
    errors?: FieldError[];
  }) {
    super(args.detail ?? args.title);
    this.name = 'DomainError';
    this.status = args.status;
    this.code = args.code;
    this.title = args.title;
    this.detail = args.detail ?? args.title;
    this.extra = args.extra ?? {};
    if (args.errors) this.errors = args.errors;
  }
}

export const validationFailed = (errors: FieldError[], detail = 'The request is invalid.') =>
  new DomainError({ status: 400, code: 'validation_failed', title: 'Validation failed', detail, errors });

export const notFound = (what: string) =>
  new DomainError({ status: 404, code: 'not_found', title: 'Not found', detail: `${what} was not found.` });

export const forbidden = (detail: string) =>
  new DomainError({ status: 403, code: 'forbidden', title: 'Forbidden', detail });

export const unauthorized = (detail = 'A valid bearer token is required.') =>
  new DomainError({ status: 401, code: 'unauthorized', title: 'Unauthorized', detail });

export const unknownCaller = () =>
  new DomainError({
    status: 403,
    code: 'unknown_caller',
    title: 'Unknown caller',
    detail: 'The caller is not in the practice directory with the role its token claims.',
  });

export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new DomainError({ status: 409, code, title: 'Conflict', detail, ...(extra ? { extra } : {}) });
