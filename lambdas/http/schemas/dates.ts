/**
 * The one date rule of query filters: a calendar date (YYYY-MM-DD) or a date-time with an offset,
 * each a real one (2026-02-30 and 2026-13-45 are refused, 2024-02-29 is a date). Checked by the
 * schema, so one 400 lists every bad field beside any other.
 */
import * as z from './zod.js';

/** A real calendar date, YYYY-MM-DD. */
export const CalendarDay = z.iso.date({ error: 'A real date as YYYY-MM-DD' });

/** A real date (the whole day, UTC) or date-time (an offset is read as that instant). */
export const DateOrTime = z.union([CalendarDay, z.iso.datetime({ offset: true })], {
  error: 'A real ISO 8601 date (2026-11-22) or date-time with offset (2026-11-22T10:15:00Z)',
});
