/**
 * Optimistic concurrency for use cases: read, decide, write on the condition that nothing
 * changed since the read; when another writer won, read again and decide again. After the
 * bounded attempts, the caller gets `409 concurrent_update` (or the policy's own error) and may retry.
 */
import { concurrentUpdate, conversationBusy } from '../domain/errors.js';

/** Another write touched the same items at the same moment (thrown by a conditional write port). */
export class WriteConflict extends Error {
  constructor() {
    super('write conflict');
    this.name = 'WriteConflict';
  }
}

/** What an attempt returns when its conditional write found the record changed. */
export const LOST_RACE: unique symbol = Symbol('lost race');
export type LostRace = typeof LOST_RACE;

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Milliseconds to wait before retry number `retry` (1-based); no wait when absent. */
  delayMs?: (retry: number) => number;
  /** Detail of the `concurrent_update` error when the attempts run out. */
  detail?: string;
  /** The error thrown when the attempts run out; `concurrent_update` by default. */
  exhausted?: () => Error;
}

/** A record that one caller edits: a couple of quick retries. */
export const singleWriter: RetryPolicy = { attempts: 3 };

/** A record many writers touch at once: they serialise through jittered backoff (at most ~4 s of waiting in all). */
export const manyWriters: RetryPolicy = {
  attempts: 16,
  delayMs: (retry) => Math.min(20 * 2 ** (retry - 1), 300) * (0.5 + Math.random()),
};

/**
 * Sends into one conversation: they only conflict while DynamoDB holds another send's
 * transaction on the same items (the conditions tolerate concurrent replies), so retries with
 * jitter go through; past the same bound as manyWriters the answer is 429 conversation_busy.
 */
export const busyConversation: RetryPolicy = { ...manyWriters, exhausted: conversationBusy };

/**
 * Runs `attempt` until it neither returns `LOST_RACE` nor throws `WriteConflict`, at most
 * `policy.attempts` times; then throws `concurrent_update`. Other errors pass through at once.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T | LostRace>, policy: RetryPolicy = singleWriter): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      const result = await attempt();
      if (result !== LOST_RACE) return result;
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
    }
    if (n >= policy.attempts) throw policy.exhausted ? policy.exhausted() : concurrentUpdate(policy.detail);
    const wait = policy.delayMs?.(n) ?? 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
