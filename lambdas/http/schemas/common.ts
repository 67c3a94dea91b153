import * as z from './zod.js';

export const Id = z.doc(z.string().check(z.minLength(1), z.maxLength(128)), { description: 'Opaque id (a ULID)', example: '01JD3R9V6N8Q2Y4W5X7Z0A1B2C' });
export const Timestamp = z.doc(z.string(), { format: 'date-time', example: '2026-11-22T10:15:00.000Z' });

export const Problem = z.doc(
  z.catchall(
    z.object({
      type: z.string(),
      title: z.string(),
      status: z.number().check(z.int()),
      code: z.doc(z.string(), { description: 'Stable machine-readable error code' }),
      detail: z.string(),
      errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    }),
    z.unknown(),
  ),
  { id: 'Problem' },
);

/**
 * `?limit=` (1-100, default 25) and `?cursor=` (opaque). A string that cannot be a cursor at all
 * is a validation error; one shaped like a cursor that was altered, is for another practice,
 * caller or list, or has expired is `invalid_cursor` (lambdas/http/sealed-cursor.ts).
 */
export const PageQuery = {
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.doc(
    z.optional(
      z
        .string()
        .check(
          z.minLength(64, 'Not a cursor from this list'),
          z.maxLength(2048, 'Not a cursor from this list'),
          z.regex(/^[A-Za-z0-9_-]+$/, 'Not a cursor from this list'),
        ),
    ),
    { description: 'The nextCursor of the previous page, for the same caller and list, within 24 hours' },
  ),
};

export const pageOf = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

/** Addresses are plain strings in the schema; the use case normalises and checks them. */
export const EmailField = z.doc(z.string().check(z.maxLength(254)), { format: 'email', description: 'Trimmed and lower-cased' });
export const PhoneField = z.doc(z.string().check(z.maxLength(40)), {
  description: "Any spelling; stored in E.164. Numbers without a country code are read with the practice's defaultRegion.",
  example: '+44 7700 900123',
});
