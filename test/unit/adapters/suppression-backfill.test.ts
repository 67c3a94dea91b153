/** The one-off list backfill of suppressions written without their list entry (exact requests). */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { backfillSuppressionList } from '../../../bin/backfill-suppression-list.js';

const ddb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const AT = '2026-11-29T10:00:00.000Z';

beforeEach(() => {
  ddb.reset();
  ddb.on(ScanCommand)
    .resolvesOnce({ Items: [{ pk: 'P#p1#SUPPRESS#phone#+12025550100', sk: 'SUPPRESS', addressType: 'phone', value: '+12025550100', at: AT }], LastEvaluatedKey: { pk: 'x', sk: 'y' } })
    .resolvesOnce({ Items: [{ pk: 'P#p2#SUPPRESS#email#Some.One@Example.org', sk: 'SUPPRESS', addressType: 'email', value: 'Some.One@Example.org', at: 'not a date' }] });
  ddb.on(UpdateCommand).resolves({});
});

describe('Backfill of suppression list entries', () => {
  it('finds suppressions without gsi1 keys page by page and adds the entry the repository writes (condition: still without one)', async () => {
    expect(await backfillSuppressionList(doc, { table: 't', dryRun: false }, () => Date.parse('2026-11-30T00:00:00.000Z'))).toEqual({ found: 2, written: 2 });
    const scans = ddb.commandCalls(ScanCommand).map((c) => c.args[0].input);
    expect(scans[0]).toMatchObject({ TableName: 't', FilterExpression: '#type = :suppression AND attribute_not_exists(gsi1pk)', ExpressionAttributeValues: { ':suppression': 'Suppression' } });
    expect(scans[1]!.ExclusiveStartKey).toEqual({ pk: 'x', sk: 'y' });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates[0]).toEqual({
      TableName: 't',
      Key: { pk: 'P#p1#SUPPRESS#phone#+12025550100', sk: 'SUPPRESS' },
      UpdateExpression: 'SET gsi1pk = :g1pk, id = if_not_exists(id, :id), gsi1sk = if_not_exists(gsi1sk, :id), #channel = if_not_exists(#channel, :channel), searchAddress = :search',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi1pk)',
      ExpressionAttributeNames: { '#channel': 'channel' },
      ExpressionAttributeValues: { ':g1pk': 'P#p1#SUPPRESSIONS', ':id': expect.stringMatching(/^[0-9A-Z]{26}$/), ':channel': 'sms', ':search': '12025550100' },
    });
    // The id sorts by the suppression's own time (a ULID of `at`), or now when `at` is unreadable.
    expect((updates[0]!.ExpressionAttributeValues as Record<string, string>)[':id']!.slice(0, 10)).toBe(ulidTime(Date.parse(AT)));
    expect(updates[1]!.ExpressionAttributeValues).toMatchObject({ ':g1pk': 'P#p2#SUPPRESSIONS', ':channel': 'email', ':search': 'some.one@example.org' });
    expect((updates[1]!.ExpressionAttributeValues as Record<string, string>)[':id']!.slice(0, 10)).toBe(ulidTime(Date.parse('2026-11-30T00:00:00.000Z')));
  });

  it('an item given its entry meanwhile is skipped; a dry run writes nothing', async () => {
    ddb.on(UpdateCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} })).resolves({});
    expect(await backfillSuppressionList(doc, { table: 't', dryRun: false })).toEqual({ found: 2, written: 1 });
    ddb.reset();
    ddb.on(ScanCommand).resolves({ Items: [{ pk: 'P#p1#SUPPRESS#phone#+12025550100', sk: 'SUPPRESS', addressType: 'phone', value: '+12025550100', at: AT }] });
    expect(await backfillSuppressionList(doc, { table: 't', dryRun: true })).toEqual({ found: 1, written: 0 });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

/** The first 10 characters of a ULID: its time, in Crockford base 32. */
function ulidTime(ms: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = alphabet[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}
