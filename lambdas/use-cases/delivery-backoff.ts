/**
 * How long a delivery waits before it is dispatched again. Throttling waits with a growing delay
 * (doubling from 2 s, capped at 15 minutes, with jitter so a throttled broadcast does not come
 * back in one wave) and fails only after a day; other retryable failures back off by attempt.
 */
export const THROTTLE_LIMIT_MS = 24 * 60 * 60_000;
const THROTTLE_FIRST_MS = 2_000;
export const MAX_DELAY_MS = 15 * 60_000;

/** Delay after a throttle, given how long the delivery has been throttled so far. */
export function throttleDelayMs(throttledForMs: number, maxMs = MAX_DELAY_MS, random: () => number = Math.random): number {
  // Doubling: the next wait is about as long as the throttling has lasted (at least 2 s).
  const base = Math.min(maxMs, Math.max(THROTTLE_FIRST_MS, throttledForMs));
  return Math.round(base * (0.5 + random() / 2));
}

/** Delay after the `attempt`-th failed attempt of another retryable kind: 10 s, 20 s, 40 s, … ≤ 15 min. */
export function retryDelayMs(attempt: number): number {
  return Math.min(MAX_DELAY_MS, 10_000 * 2 ** Math.max(0, attempt - 1));
}
