import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../../lambdas/domain/errors.js';
import type { HttpResponse } from '../../../lambdas/http/responses.js';

import { InMemoryIdempotencyStore } from '../idempotency-fake.js';

process.env.TABLE_NAME ??= 'unit';
const { idempotency, pendingAnswer } = await import('../../../lambdas/http/idempotency.js');
type Key = import('../../../lambdas/http/idempotency.js').IdempotencyKey;


const TTL = 60;
let store: InMemoryIdempotencyStore;
let clock: number;
let idempotent: ReturnType<typeof idempotency>;

const request = (over: { key?: string; body?: unknown; callerId?: string; params?: Record<string, string>; deadline?: number } = {}) => ({
  headers: (over.key === undefined ? {} : { 'idempotency-key': over.key }) as Record<string, string>,
  caller: { id: over.callerId ?? 'staff-1', practiceId: 'practice-1' },
  routeKey: 'POST /v1/conversations',
  params: over.params ?? {},
  body: over.body ?? { to: 'patient-1', text: 'hello' },
  successStatus: 201,
  ...(over.deadline === undefined ? {} : { deadline: over.deadline }),
});

const never = () => new Promise<HttpResponse>(() => undefined);

const answer = (id: string): HttpResponse => ({ statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });

const kindOf = async (p: Promise<unknown>) => {
  const error = await p.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).kind;
};

describe('Idempotency-Key', () => {
  beforeEach(() => {
    store = new InMemoryIdempotencyStore();
    clock = 1_800_000_000_000;
    idempotent = idempotency(store, { ttlSeconds: TTL, now: () => clock });
  });

  it('the same key with the same body returns the first answer and runs nothing again', async () => {
    const run = vi.fn(async () => answer(`c-${run.mock.calls.length}`));
    const first = await idempotent(request({ key: 'k1' }), run);
    const again = await idempotent(request({ key: 'k1', body: { text: 'hello', to: 'patient-1' } }), run);
    expect(again).toEqual(first);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('the same key with a different body is idempotency_key_reused', async () => {
    await idempotent(request({ key: 'k1' }), async () => answer('c-1'));
    const run = vi.fn(async () => answer('c-2'));
    expect(await kindOf(idempotent(request({ key: 'k1', body: { to: 'patient-1', text: 'other' } }), run))).toBe('idempotency_key_reused');
    expect(run).not.toHaveBeenCalled();
  });

  it('a second request while the first is still running is idempotency_in_progress', async () => {
    let finish!: (r: HttpResponse) => void;
    const first = idempotent(request({ key: 'k1' }), () => new Promise<HttpResponse>((resolve) => (finish = resolve)));
    await vi.waitFor(() => expect(finish).toBeDefined());
    expect(await kindOf(idempotent(request({ key: 'k1' }), async () => answer('c-2')))).toBe('idempotency_in_progress');
    finish(answer('c-1'));
    expect(await first).toEqual(answer('c-1'));
  });

  it('a failure releases the key: a corrected retry with the same key runs', async () => {
    const failure = new Error('boom');
    await expect(idempotent(request({ key: 'k1' }), async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(store.records.size).toBe(0);
    expect(await idempotent(request({ key: 'k1' }), async () => answer('c-2'))).toEqual(answer('c-2'));
  });

  it('keys are scoped to the caller and the path, and forgotten after the TTL', async () => {
    await idempotent(request({ key: 'k1' }), async () => answer('c-1'));
    expect(await idempotent(request({ key: 'k1', callerId: 'staff-2' }), async () => answer('c-2'))).toEqual(answer('c-2'));
    expect(await idempotent(request({ key: 'k1', params: { id: 'x' } }), async () => answer('c-3'))).toEqual(answer('c-3'));
    clock += (TTL + 1) * 1000;
    expect(await idempotent(request({ key: 'k1' }), async () => answer('c-4'))).toEqual(answer('c-4'));
  });

  it('without a key the route just runs; a malformed key is a validation error', async () => {
    const run = vi.fn(async () => answer('c'));
    await idempotent(request(), run);
    await idempotent(request(), run);
    expect(run).toHaveBeenCalledTimes(2);
    expect(store.records.size).toBe(0);
    expect(await kindOf(idempotent(request({ key: 'has space' }), run))).toBe('validation_failed');
  });

  describe('that heals', () => {
    it('a claim left by a request that timed out lapses with its function’s deadline: the retry runs, it is not 409 for the TTL', async () => {
      void idempotent(request({ key: 'k1', deadline: clock + 10_000 }), never);
      await vi.waitFor(() => expect(store.records.size).toBe(1));
      clock += 5_000;
      expect(await kindOf(idempotent(request({ key: 'k1' }), async () => answer('c-2')))).toBe('idempotency_in_progress');
      clock += 6_000;
      expect(await idempotent(request({ key: 'k1' }), async () => answer('c-3'))).toEqual(answer('c-3'));
      // The answer, once stored, is kept for the whole TTL.
      clock += 20_000;
      expect(await idempotent(request({ key: 'k1' }), async () => answer('c-4'))).toEqual(answer('c-3'));
    });

    it('without a known deadline the claim lapses after the 30 s any API request is given', async () => {
      void idempotent(request({ key: 'k1' }), never);
      await vi.waitFor(() => expect(store.records.size).toBe(1));
      clock += 31_000;
      expect(await idempotent(request({ key: 'k1' }), async () => answer('c-2'))).toEqual(answer('c-2'));
    });

    it('a write that committed keeps its answer when a later step fails: the retry gets it and writes nothing again', async () => {
      const writes: string[] = [];
      const body = { id: 'm-1' };
      const failing = async (): Promise<HttpResponse> => {
        writes.push('m-1');
        await store.commitWith(pendingAnswer(body));
        throw new Error('a step after the commit failed');
      };
      await expect(idempotent(request({ key: 'k1' }), failing)).rejects.toThrow('a step after the commit failed');
      const run = vi.fn(async () => answer('m-2'));
      const again = await idempotent(request({ key: 'k1' }), run);
      expect(run).not.toHaveBeenCalled();
      expect(writes).toEqual(['m-1']);
      expect(again).toEqual({ statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    });

    it('a late request whose claim lapsed does not overwrite or release the key another request holds now', async () => {
      let finishFirst!: (r: HttpResponse) => void;
      const first = idempotent(request({ key: 'k1', deadline: clock + 1_000 }), () => new Promise<HttpResponse>((resolve) => (finishFirst = resolve)));
      await vi.waitFor(() => expect(finishFirst).toBeDefined());
      clock += 2_000;
      expect(await idempotent(request({ key: 'k1' }), async () => answer('c-2'))).toEqual(answer('c-2'));
      finishFirst(answer('c-1'));
      await first;
      expect(await idempotent(request({ key: 'k1' }), async () => answer('c-3'))).toEqual(answer('c-2'));
    });

    it('outside a request with a key there is no answer in flight', () => {
      expect(pendingAnswer({ id: 'x' })).toBeNull();
    });
  });
});
