/**
 * A provider-side opt-out recorded by the dispatcher (DynamoDeliveryStore.suppress) is the same
 * suppression a keyword opt-out writes: it is listed in the practice's suppressions, keeps its
 * place there when it already existed, and stays an opt-out. (It used to be a plain put without
 * the list fields: the address was suppressed but missing from GET /v1/suppressions.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { useRuntimeEnvironment } from './in-process.js';

let store: import('../../lambdas/adapters/dynamo/delivery-repository.js').DynamoDeliveryStore;
let suppressions: import('../../lambdas/adapters/dynamo/suppression-repository.js').DynamoSuppressionRepository;

useRuntimeEnvironment();

beforeAll(async () => {
  const { DynamoDeliveryStore } = await import('../../lambdas/adapters/dynamo/delivery-repository.js');
  const { DynamoSuppressionRepository } = await import('../../lambdas/adapters/dynamo/suppression-repository.js');
  store = new DynamoDeliveryStore();
  suppressions = new DynamoSuppressionRepository();
});

describe('provider opt-out recorded by the dispatcher', () => {
  it('is listed as an opt-out in the practice suppressions', async () => {
    const practiceId = `p-${ulid()}`;
    const phone = '+15555550123';
    await store.suppress(practiceId, 'phone', phone, 'opted_out', '2026-11-30T10:00:00.000Z');
    const page = await suppressions.list(practiceId, { limit: 10 });
    expect(page.items).toEqual([{ id: expect.any(String), channel: 'sms', addressType: 'phone', address: phone, reason: 'opt_out', at: '2026-11-30T10:00:00.000Z' }]);
    expect(await suppressions.byId(practiceId, page.items[0]!.id)).toMatchObject({ address: phone, reason: 'opt_out' });
  });

  it('keeps an existing entry in its place (same id) and turns a bounce into an opt-out', async () => {
    const practiceId = `p-${ulid()}`;
    const email = 'someone@example.org';
    await suppressions.suppress(practiceId, { id: ulid(), channel: 'email', addressType: 'email', address: email, reason: 'bounce', at: '2026-11-30T09:00:00.000Z' });
    const [first] = (await suppressions.list(practiceId, { limit: 10 })).items;
    await store.suppress(practiceId, 'email', email, 'opted_out', '2026-11-30T10:00:00.000Z');
    const page = await suppressions.list(practiceId, { limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ id: first!.id, address: email, reason: 'opt_out' });
  });
});
