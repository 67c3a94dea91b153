/**
 * The practice's calendar: which day an instant falls on in the practice's IANA time zone
 * (a block at 17:22Z on 30 November is on 1 December in Pacific/Kiritimati, UTC+14).
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    // en-CA writes dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}

/** The practice's date (YYYY-MM-DD) of an instant. */
export const dayIn = (timeZone: string, instant: Date | string): string =>
  formatIn(timeZone).format(typeof instant === 'string' ? new Date(instant) : instant);

/** A calendar date moved by whole days. */
export const shiftDay = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * UTC instants that surely enclose the practice's days `from`..`to` (offsets are within ±14
 * hours): a day either side. What falls outside the days is dropped by `dayIn` afterwards.
 */
export const utcWindowOf = (from: string, to: string): { from: string; to: string } => ({
  from: `${shiftDay(from, -1)}T00:00:00.000Z`,
  to: `${shiftDay(to, 2)}T00:00:00.000Z`,
});
