/**
 * Idempotency-Key on creating POSTs: the same key with the same body within the TTL returns
 * the first answer and creates nothing new; with a different body, 409 idempotency_key_reused;
 * while the first is still running, 409 idempotency_in_progress.
 *
 * Flow: the store claims the key until the function's deadline (a claim left by a request that
 * timed out or crashed lapses with it, so the client's retry runs rather than meeting 409 for
 * the whole TTL); the route runs; the answer is stored for the TTL. A use case whose write
 * carries its answer (`pendingAnswer`, e.g. the send transaction) stores it in that same
 * transaction: once the write has committed the key keeps that answer, whatever fails later,
 * and a retry gets it instead of writing again. A failure before any commit releases the key,
 * so a corrected retry with the same key is possible. The store is a port: DynamoDB in
 * production (adapters/dynamo/idempotency-store.ts), in memory in unit tests.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { conflict, validationFailed } from '../domain/errors.js';
import { logger } from '../logger.js';
import { json, type HttpResponse } from './responses.js';

/** One key of one caller on one route (and path): the practice owns it. */
export interface IdempotencyKey {
  practiceId: string;
  /** Hash of caller, route, path parameters and the Idempotency-Key. */
  scope: string;
  /** This request's claim: completing or releasing touches the record only while the claim is ours. */
  claimId: string;
}

/** A live record found when claiming: the body it was claimed for, and its answer once done. */
export interface IdempotencyRecord {
  bodyHash: string;
  response: HttpResponse | null;
}

export interface IdempotencyStore {
  /**
   * Claims the key until `claimUntil` unless a live (unexpired at `now`) record holds it;
   * returns that record then. Times in epoch seconds.
   */
  claim(key: IdempotencyKey, bodyHash: string, now: number, claimUntil: number): Promise<IdempotencyRecord | null>;
  /** Stores the answer of the claimed key, kept until `expiresAt`. */
  complete(key: IdempotencyKey, response: HttpResponse, expiresAt: number): Promise<void>;
  /** Forgets the claimed key (the route failed before anything committed). */
  release(key: IdempotencyKey): Promise<void>;
}

/** The answer of the request in flight, to be stored by the write that commits it. */
export interface PendingAnswer {
  key: IdempotencyKey;
  response: HttpResponse;
  /** Epoch seconds until which the answer is kept. */
  expiresAt: number;
  /** Tells the idempotency layer the write carrying the answer has committed. */
  committed(): void;
}

interface InFlight {
  key: IdempotencyKey;
  successStatus: number;
  expiresAt: number;
  committed: boolean;
}

const inFlight = new AsyncLocalStorage<InFlight>();

/**
 * The answer `body` as the request in flight would send it, for a write to store with itself;
 * null when the request carries no Idempotency-Key (or runs outside an HTTP request).
 */
export function pendingAnswer(body: unknown): PendingAnswer | null {
  const current = inFlight.getStore();
  if (!current) return null;
  return {
    key: current.key,
    response: json(current.successStatus, body),
    expiresAt: current.expiresAt,
    committed: () => {
      current.committed = true;
    },
  };
}

/** What idempotency reads of a request. */
export interface IdempotentRequest {
  headers: Record<string, string>;
  caller: { id: string; practiceId: string };
  routeKey: string;
  params: Record<string, string>;
  body: unknown;
  /** The route's success status (what a write that stores its answer answers with); 201 when absent. */
  successStatus?: number;
  /** Epoch milliseconds when the function is cut off (Lambda context); the claim lapses then. */
  deadline?: number;
}

/** A request's claim lapses with its function: API Gateway gives up on any request after 30 s. */
const MAX_REQUEST_MS = 30_000;

const KEY = /^[\x21-\x7e]{1,255}$/;

/** Canonical JSON: object keys sorted, so `{a,b}` and `{b,a}` are one body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export interface IdempotencyOptions {
  ttlSeconds: number;
  /** Clock in epoch milliseconds, for tests. */
  now?: () => number;
}

/** `idempotent(req, run)` over a given store. */
export function idempotency(store: IdempotencyStore, { ttlSeconds, now = Date.now }: IdempotencyOptions) {
  return async function idempotent<R extends IdempotentRequest>(req: R, run: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const key = req.headers['idempotency-key'];
    if (key === undefined) return run();
    if (!KEY.test(key)) {
      throw validationFailed([{ path: 'Idempotency-Key', message: 'Must be 1-255 visible ASCII characters' }]);
    }
    const claimed: IdempotencyKey = {
      practiceId: req.caller.practiceId,
      scope: sha256([req.caller.id, req.routeKey, canonicalJson(req.params), key].join('\u0000')),
      claimId: randomUUID(),
    };
    const bodyHash = sha256(canonicalJson(req.body ?? null));
    const started = now();
    const seconds = Math.floor(started / 1000);
    const claimUntil = Math.ceil(Math.min(req.deadline ?? Infinity, started + MAX_REQUEST_MS) / 1000);

    const existing = await store.claim(claimed, bodyHash, seconds, claimUntil);
    if (existing) {
      if (existing.bodyHash !== bodyHash) {
        throw conflict('idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
      }
      if (!existing.response) {
        throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
      }
      return existing.response;
    }

    const flight: InFlight = { key: claimed, successStatus: req.successStatus ?? 201, expiresAt: seconds + ttlSeconds, committed: false };
    let response: HttpResponse;
    try {
      response = await inFlight.run(flight, run);
    } catch (error) {
      // Committed: the key keeps the answer stored with the write, so a retry cannot write twice.
      if (flight.committed) logger.warn('idempotent request failed after its write committed; its key keeps the answer', { routeKey: req.routeKey });
      else await store.release(claimed);
      throw error;
    }
    if (!flight.committed) await store.complete(claimed, response, flight.expiresAt);
    return response;
  };
}

/** `idempotent(req, run)`: what an HTTP function is handed (built over the table in lambdas/wiring.ts). */
export type Idempotent = ReturnType<typeof idempotency>;
