import { z } from './zod.js';

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

/** `?limit=` (1-100, default 25) and `?cursor=` (opaque). */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Addresses are plain strings in the schema; the use case normalises and checks them. */
export const EmailField = z.string().max(254).openapi({ format: 'email', description: 'Trimmed and lower-cased' });
export const PhoneField = z.string().max(40).openapi({
  description: "Any spelling; stored in E.164. Numbers without a country code are read with the practice's defaultRegion.",
  example: '+44 7700 900123',
});
