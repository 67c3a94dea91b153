import * as z from './zod.js';

export const Id = z.string().min(1).max(128).openapi({ description: 'Opaque id (a ULID)', example: '01JD3R9V6N8Q2Y4W5X7Z0A1B2C' });
export const Timestamp = z.string().openapi({ format: 'date-time', example: '2026-11-22T10:15:00.000Z' });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable machine-readable error code' }),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem');

/**
 * `?limit=` (1-100, default 25) and `?cursor=` (opaque). A string that cannot be a cursor at all
 * is a validation error; one shaped like a cursor that was altered, is for another practice,
 * caller or list, or has expired is `invalid_cursor` (lambdas/http/sealed-cursor.ts).
 */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z
    .string()
    .min(64, 'Not a cursor from this list')
    .max(2048, 'Not a cursor from this list')
    .regex(/^[A-Za-z0-9_-]+$/, 'Not a cursor from this list')
    .optional()
    .openapi({ description: 'The nextCursor of the previous page, for the same caller and list, within 24 hours' }),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Addresses are plain strings in the schema; the use case normalises and checks them. */
export const EmailField = z.string().max(254).openapi({ format: 'email', description: 'Trimmed and lower-cased' });
export const PhoneField = z.string().max(40).openapi({
  description: "Any spelling; stored in E.164. Numbers without a country code are read with the practice's defaultRegion.",
  example: '+44 7700 900123',
});
