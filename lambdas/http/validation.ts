/**
 * zod validation with every invalid field listed. Unknown fields are refused: request schemas
 * are strict objects, and an unrecognised key is reported at its own path. The text rules of
 * the contract apply to every string of every body and query here, once, not per schema.
 */
import type * as z from 'zod/mini';
import { validationFailed, type FieldError } from '../domain/errors.js';

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: [...issue.path, key].join('.'), message: 'Unknown field' });
      }
    } else {
      out.push({ path: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  return out;
}

/** Fields whose text may span lines (newline, carriage return and tab allowed): message bodies and notes. */
const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set(['body', 'text', 'summary']);

// Control characters (C0, DEL, C1), bidirectional overrides and isolates, unpaired surrogates.
const FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `value` is text the contract accepts (`multiLine`: newlines and tabs are fine). */
export const isAcceptableText = (value: string, multiLine = false): boolean =>
  !(multiLine ? FORBIDDEN_MULTI_LINE : FORBIDDEN).test(value);

/** Every string in `input` (at any depth) that breaks the text rules, at its field's path. */
export function textErrors(input: unknown, path: readonly (string | number)[] = []): FieldError[] {
  if (typeof input === 'string') {
    const field = [...path].reverse().find((p) => typeof p === 'string');
    if (isAcceptableText(input, field !== undefined && MULTI_LINE_FIELDS.has(field))) return [];
    return [{ path: path.join('.'), message: 'Contains control characters, bidirectional controls or unpaired surrogates' }];
  }
  if (Array.isArray(input)) return input.flatMap((v, i) => textErrors(v, [...path, i]));
  if (input !== null && typeof input === 'object') {
    return Object.entries(input).flatMap(([k, v]) => textErrors(v, [...path, k]));
  }
  return [];
}

/**
 * Parses `input` with `schema`. `extra` runs on the raw input whatever zod said, so checks that
 * need context (a phone read with the practice's region) are listed beside zod's own.
 */
export function validate<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  extra?: (raw: Record<string, unknown>) => FieldError[],
): z.infer<S> {
  const result = schema.safeParse(input);
  const errors = result.success ? [] : issuesToFieldErrors(result.error.issues);
  const flagged = new Set(errors.map((e) => e.path));
  for (const e of textErrors(input)) if (!flagged.has(e.path)) errors.push(e);
  if (extra && input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const seen = new Set(errors.map((e) => e.path));
    for (const e of extra(input as Record<string, unknown>)) if (!seen.has(e.path)) errors.push(e);
  }
  if (errors.length > 0 || !result.success) throw validationFailed(errors);
  return result.data;
}

/**
 * A route that takes no body accepts none, or an empty object: anything else is refused like
 * an unknown field (each key listed).
 */
export function refuseUnexpectedBody(body: unknown): void {
  if (body === undefined) return;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationFailed([{ path: '', message: 'This request takes no body' }]);
  }
  const keys = Object.keys(body);
  if (keys.length > 0) throw validationFailed(keys.map((key) => ({ path: key, message: 'Unknown field' })));
}

/** The largest request body read (API Gateway's own limit is 10 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** `application/json`, with or without parameters such as `charset`. */
export const isJsonMediaType = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType.trim());

export function parseJsonBody(raw: string | undefined, isBase64: boolean | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  const bytes = isBase64 ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw validationFailed([{ path: '', message: `Body is larger than ${MAX_BODY_BYTES} bytes` }], 'The request body is too large.');
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw validationFailed([{ path: '', message: 'Body is not valid JSON' }], 'The request body is not valid JSON.');
  }
}
