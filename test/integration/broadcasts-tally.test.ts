/**
 * A dispatcher batch that dies between its outcomes and its broadcast count (on DynamoDB Local,
 * the service's own modules in the test process): its tally stays open, the sweeper closes it a
 * lease and a half later with the outcomes stamped with its id, the broadcast is done, and a
 * second sweep or a late close counts nothing again.
 */
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { useRuntimeEnvironment } from './in-process.js';

useRuntimeEnvironment();

let m: {
  dispatch: typeof import('../../lambdas/use-cases/dispatch.js');
  tally: typeof import('../../lambdas/use-cases/broadcast-tally.js');
  store: import('../../lambdas/adapters/dynamo/delivery-repository.js').DynamoDeliveryStore;
  tallies: import('../../lambdas/adapters/dynamo/broadcast-tallies.js').DynamoTallyStore;
  client: typeof import('../../lambdas/adapters/dynamo/client.js');
  keys: typeof import('../../lambdas/adapters/dynamo/keys.js')['keys'];
  ids: typeof import('../../lambdas/use-cases/broadcasts/recipient-ids.js');
  lib: typeof import('@aws-sdk/lib-dynamodb');
};

beforeAll(async () => {
  const { DynamoDeliveryStore } = await import('../../lambdas/adapters/dynamo/delivery-repository.js');
  const { DynamoTallyStore } = await import('../../lambdas/adapters/dynamo/broadcast-tallies.js');
  const { DynamoBroadcastRepository } = await import('../../lambdas/adapters/dynamo/broadcast-repository.js');
  const broadcasts = new DynamoBroadcastRepository();
  m = {
    dispatch: await import('../../lambdas/use-cases/dispatch.js'),
    tally: await import('../../lambdas/use-cases/broadcast-tally.js'),
    store: new DynamoDeliveryStore(),
    tallies: new DynamoTallyStore((p, id) => broadcasts.advanceAfterCount(p, id)),
    client: await import('../../lambdas/adapters/dynamo/client.js'),
    keys: (await import('../../lambdas/adapters/dynamo/keys.js')).keys,
    ids: await import('../../lambdas/use-cases/broadcasts/recipient-ids.js'),
    lib: await import('@aws-sdk/lib-dynamodb'),
  };
});

const LEASE_MS = 300_000;

describe('Broadcast tallies on DynamoDB', () => {
  it('a batch that dies before its count leaves its tally open; the sweeper closes it once and the broadcast is done', async () => {
    const { dynamo, tableName } = m.client;
    const { PutCommand, GetCommand } = m.lib;
    const practiceId = `tally-${ulid().toLowerCase()}`;
    const broadcastId = ulid();
    await dynamo.send(new PutCommand({
      TableName: tableName,
      Item: { ...m.keys.broadcast(practiceId, broadcastId), type: 'Broadcast', id: broadcastId, status: 'sending', chunks: 1, chunksDone: 1, counts: { queued: 3, sent: 0, delivered: 0, failed: 0, blocked: 0, suppressed: 0 } },
    }));
    const refs = ['a', 'b', 'c'].map((who, i) => {
      const conversationId = m.ids.conversationIdOf(broadcastId, { type: 'patient', id: who });
      return { practiceId, conversationId, sk: m.keys.delivery(practiceId, conversationId, m.ids.messageIdOf(conversationId), 0).sk, address: `+1212555010${i}` };
    });
    for (const r of refs) {
      const Key = { pk: m.keys.conversationPk(practiceId, r.conversationId), sk: r.sk };
      // Inserted as `held`, then queued: the runtime's own dispatcher takes only inserts of queued deliveries, so this test's batch is the only one.
      await dynamo.send(new PutCommand({
        TableName: tableName,
        Item: { ...Key, type: 'Delivery', practiceId, conversationId: r.conversationId, messageId: m.ids.messageIdOf(r.conversationId), status: 'held', channel: 'sms', purpose: 'message', address: r.address, broadcastId, text: 'Closed Friday.' },
      }));
      await dynamo.send(new m.lib.UpdateCommand({ TableName: tableName, Key, UpdateExpression: 'SET #s = :q', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':q': 'queued' } }));
    }
    const sent: string[] = [];
    const sms = { channel: 'sms' as const, send: async (o: { to: string }) => (sent.push(o.to), { ok: true as const, providerMessageId: `pm-${o.to}` }) };
    const dying = Object.assign(Object.create(m.tallies) as typeof m.tallies, { close: async () => { throw new Error('process died'); } });
    let clock = Date.now();
    const deps = { store: m.store, senders: { sms, email: sms, whatsapp: sms } as never, now: () => new Date(clock), maxAttempts: 3, leaseMs: LEASE_MS, tallies: dying };

    await expect(m.dispatch.dispatchBatch(deps, refs.map(({ address: _a, ...ref }) => ref))).rejects.toThrow('process died');
    const statuses = await Promise.all(refs.map(async (r) => (await dynamo.send(new GetCommand({ TableName: tableName, Key: { pk: m.keys.conversationPk(practiceId, r.conversationId), sk: r.sk }, ConsistentRead: true }))).Item));
    expect(statuses.map((s) => [s?.['status'], s?.['error']])).toEqual([['sent', undefined], ['sent', undefined], ['sent', undefined]]);
    expect(sent).toHaveLength(3);
    const read = async () => (await dynamo.send(new GetCommand({ TableName: tableName, Key: m.keys.broadcast(practiceId, broadcastId), ConsistentRead: true }))).Item!;
    expect((await read())['counts']).toMatchObject({ queued: 3, sent: 0 });

    const sweep = () => m.tally.sweepTallies({ tallies: m.tallies, now: () => new Date(clock) }, 1000);
    expect((await sweep()).closed).toBe(0); // not due yet
    clock += 1.5 * LEASE_MS + 1_000;
    // The lease index is eventually consistent: the sweeper finds the tally on one of its runs.
    let closed = 0;
    for (let i = 0; i < 20 && closed === 0; i++) closed = (await sweep()).closed || (await new Promise((r) => setTimeout(r, 100)), 0);
    expect(closed).toBe(1);
    expect(await read()).toMatchObject({ status: 'done', counts: { queued: 0, sent: 3 } });
    expect((await sweep()).closed).toBe(0);
    expect(await read()).toMatchObject({ counts: { queued: 0, sent: 3 } });
  });
});
