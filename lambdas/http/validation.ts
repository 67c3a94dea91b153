/**
 * zod validation with every invalid field listed. Unknown fields are refused: request schemas
 * are strict objects, and an unrecognised key is reported at its own path.
 */
import type { z } from 'zod';
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

/**
 * Parses `input` with `schema`. `extra` runs on the raw input whatever zod said, so checks that
 * need context (a phone read with the practice's region) are listed beside zod's own.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  extra?: (raw: Record<string, unknown>) => FieldError[],
): z.infer<S> {
  const result = schema.safeParse(input);
  const errors = result.success ? [] : issuesToFieldErrors(result.error.issues);
  if (extra && input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const seen = new Set(errors.map((e) => e.path));
    for (const e of extra(input as Record<string, unknown>)) if (!seen.has(e.path)) errors.push(e);
  }
  if (errors.length > 0 || !result.success) throw validationFailed(errors);
  return result.data;
}

export function parseJsonBody(raw: string | undefined, isBase64: boolean | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  const text = isBase64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  try {
    return JSON.parse(text);
  } catch {
    throw validationFailed([{ path: '', message: 'Body is not valid JSON' }], 'The request body is not valid JSON.');
  }
}
