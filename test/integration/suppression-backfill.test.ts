/**
 * The one-off list backfill (bin/backfill-suppression-list.ts) on DynamoDB Local: a suppression
 * the dispatcher wrote before its list entry existed (a plain put) suppresses but is missing from
 * GET /v1/suppressions and from an SMS preview's opt-out count (which lists the practice's
 * suppressions); after the backfill both find it, and a second run writes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, newPractice } from './api-client.js';
import { freshPhone } from './fixtures.js';
import { useRuntimeEnvironment } from './in-process.js';

useRuntimeEnvironment();

let dynamo: typeof import('../../lambdas/adapters/dynamo/client.js')['dynamo'];
let tableName: string;
let keys: typeof import('../../lambdas/adapters/dynamo/keys.js')['keys'];
let backfill: typeof import('../../bin/backfill-suppression-list.js')['backfillSuppressionList'];
let lib: typeof import('@aws-sdk/lib-dynamodb');

beforeAll(async () => {
  ({ dynamo, tableName } = await import('../../lambdas/adapters/dynamo/client.js'));
  ({ keys } = await import('../../lambdas/adapters/dynamo/keys.js'));
  ({ backfillSuppressionList: backfill } = await import('../../bin/backfill-suppression-list.js'));
  lib = await import('@aws-sdk/lib-dynamodb');
});

describe('Suppression list backfill', () => {
  it('lists an old provider opt-out: GET /v1/suppressions and the preview count it after the backfill, and a rerun writes nothing', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const phone = freshPhone();
    const patient = await p.patient({ phone });
    // The dispatcher's write before its fix: the item the barrier check reads, without id, channel or gsi1 keys.
    await dynamo.send(
      new lib.PutCommand({
        TableName: tableName,
        Item: { ...keys.suppression(p.practiceId, 'phone', phone), type: 'Suppression', addressType: 'phone', value: phone, reason: 'opted_out', at: '2026-11-29T10:00:00.000Z' },
      }),
    );
    const preview = () => call('POST', '/v1/broadcasts/preview', { token: staff.token, body: { channel: 'sms', audience: { patientIds: [patient.id] } } });
    const listed = () => call('GET', '/v1/suppressions', { token: staff.token });

    expect((await listed()).body.items).toEqual([]);
    expect((await preview()).body).toMatchObject({ recipients: 1, excluded: { optedOut: 0 } });

    const first = await backfill(dynamo, { table: tableName, dryRun: false });
    expect(first.written).toBeGreaterThanOrEqual(1);
    expect((await listed()).body.items).toEqual([{ id: expect.any(String), channel: 'sms', address: phone, reason: 'opt_out', at: '2026-11-29T10:00:00.000Z' }]);
    expect((await preview()).body).toMatchObject({ recipients: 0, excluded: { optedOut: 1 }, unavailable: [{ type: 'patient', id: patient.id, reason: 'opted_out' }] });

    const again = await backfill(dynamo, { table: tableName, dryRun: true });
    const item = await dynamo.send(new lib.GetCommand({ TableName: tableName, Key: keys.suppression(p.practiceId, 'phone', phone), ConsistentRead: true }));
    expect(item.Item).toMatchObject({ gsi1pk: keys.suppressionsPk(p.practiceId), channel: 'sms', reason: 'opted_out' });
    // This practice's item has its entry now: whatever other tests left, it is not found again.
    expect(again.written).toBe(0);
    const rerun = await backfill(dynamo, { table: tableName, dryRun: false });
    const after = await dynamo.send(new lib.GetCommand({ TableName: tableName, Key: keys.suppression(p.practiceId, 'phone', phone), ConsistentRead: true }));
    expect(after.Item?.['id']).toBe(item.Item?.['id']);
    expect(rerun.found).toBeLessThanOrEqual(first.found);
  });
});
