/**
 * Idempotency-Key on creating POSTs: the same key with the same body within the TTL returns
 * the first answer and creates nothing new; with a different body, 409 idempotency_key_reused;
 * while the first is still running, 409 idempotency_in_progress. Flow: the store claims the key;
 * the route runs; the answer is stored. A failure releases the key, so a corrected retry with the
 * same key is possible. The store is a port: DynamoDB in production
 * (adapters/dynamo/idempotency-store.ts), in memory in unit tests.
 */
import { createHash } from 'node:crypto';
import { conflict, validationFailed } from '../domain/errors.js';
import { config } from '../config.js';
import { DynamoIdempotencyStore } from '../adapters/dynamo/idempotency-store.js';
import type { HttpResponse } from './responses.js';

/** One key of one caller on one route (and path): the practice owns it. */
export interface IdempotencyKey {
  practiceId: string;
  /** Hash of caller, route, path parameters and the Idempotency-Key. */
  scope: string;
}

/** A live record found when claiming: the body it was claimed for, and its answer once done. */
export interface IdempotencyRecord {
  bodyHash: string;
  response: HttpResponse | null;
}

export interface IdempotencyStore {
  /** Claims the key unless a live (unexpired at `now`) record holds it; returns that record then. Times in epoch seconds. */
  claim(key: IdempotencyKey, bodyHash: string, now: number, expiresAt: number): Promise<IdempotencyRecord | null>;
  /** Stores the answer of the claimed key. */
  complete(key: IdempotencyKey, response: HttpResponse): Promise<void>;
  /** Forgets the claimed key (the route failed). */
  release(key: IdempotencyKey): Promise<void>;
}

/** What idempotency reads of a request. */
export interface IdempotentRequest {
  headers: Record<string, string>;
  caller: { id: string; practiceId: string };
  routeKey: string;
  params: Record<string, string>;
  body: unknown;
}

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
    };
    const bodyHash = sha256(canonicalJson(req.body ?? null));
    const seconds = Math.floor(now() / 1000);

    const existing = await store.claim(claimed, bodyHash, seconds, seconds + ttlSeconds);
    if (existing) {
      if (existing.bodyHash !== bodyHash) {
        throw conflict('idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
      }
      if (!existing.response) {
        throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
      }
      return existing.response;
    }

    let response: HttpResponse;
    try {
      response = await run();
    } catch (error) {
      await store.release(claimed);
      throw error;
    }
    await store.complete(claimed, response);
    return response;
  };
}

/** Idempotency on the table, remembered for IDEMPOTENCY_TTL_SECONDS. */
export const idempotent = idempotency(new DynamoIdempotencyStore(), { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS });
