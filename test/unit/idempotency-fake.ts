/** The idempotency store as DynamoDB keeps it, in memory: one record per key, claimable again once expired; only the claim's holder completes or releases it. */
import type { IdempotencyKey as Key, IdempotencyStore, PendingAnswer } from '../../lambdas/http/idempotency.js';
import type { HttpResponse } from '../../lambdas/http/responses.js';

export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, { bodyHash: string; expiresAt: number; response: HttpResponse | null; claimId: string }>();
  private id = (k: Key) => `${k.practiceId}|${k.scope}`;
  async claim(k: Key, bodyHash: string, now: number, claimUntil: number) {
    const old = this.records.get(this.id(k));
    if (old && old.expiresAt >= now) return { bodyHash: old.bodyHash, response: old.response };
    this.records.set(this.id(k), { bodyHash, expiresAt: claimUntil, response: null, claimId: k.claimId });
    return null;
  }
  async complete(k: Key, response: HttpResponse, expiresAt: number) {
    const r = this.records.get(this.id(k));
    if (r?.claimId === k.claimId) Object.assign(r, { response, expiresAt });
  }
  async release(k: Key) {
    if (this.records.get(this.id(k))?.claimId === k.claimId) this.records.delete(this.id(k));
  }
  /** A use case's transaction that carries its answer (as send-transaction does): both commit together. */
  async commitWith(answer: PendingAnswer | null) {
    if (!answer) throw new Error('expected an answer in flight');
    await this.complete(answer.key, answer.response, answer.expiresAt);
    answer.committed();
  }
}
