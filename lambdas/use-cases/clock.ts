/**
 * Time for use cases: every deps object takes `now: Clock`, so tests pin the time and the
 * system clock is chosen once, in the composition root.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/**
 * A timestamp strictly after `previous` and no earlier than `now`. Message times within a
 * conversation, and `updatedAt` where it doubles as the optimistic-concurrency version, must
 * move forward on every write even when the clocks of two writers differ.
 */
export function strictlyLater(previous: string, now: Date): string {
  return new Date(Math.max(now.getTime(), Date.parse(previous) + 1)).toISOString();
}
