/** The one-off backfill of a patient's GROUPS item from its reverse links (exact requests). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { backfillPatientGroups, parseBackfillArgs } from '../../../bin/backfill-patient-groups.js';

const ddb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

beforeEach(() => {
  ddb.reset();
  ddb.on(ScanCommand)
    .resolvesOnce({ Items: [{ pk: 'P#p1#PATIENT#a', groupId: 'g1' }], LastEvaluatedKey: { pk: 'x', sk: 'y' } })
    .resolvesOnce({ Items: [{ pk: 'P#p1#PATIENT#a', groupId: 'g2' }, { pk: 'P#p2#PATIENT#b', groupId: 'g3' }] });
  ddb.on(UpdateCommand).resolves({});
});

describe('Backfill of patient GROUPS items (broadcasts read them)', () => {
  it('adds every patient reverse link to the GROUPS item beside the patient, page by page', async () => {
    expect(await backfillPatientGroups(doc, { table: 't', dryRun: false })).toEqual({ links: 3, written: 3 });
    expect(ddb.commandCalls(ScanCommand)[0]!.args[0].input).toMatchObject({ FilterExpression: '#type = :link AND memberType = :patient', ExpressionAttributeValues: { ':link': 'GroupLink', ':patient': 'patient' } });
    expect(ddb.commandCalls(ScanCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'x', sk: 'y' });
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: 't', Key: { pk: 'P#p1#PATIENT#a', sk: 'GROUPS' }, UpdateExpression: 'ADD groupIds :g', ExpressionAttributeValues: { ':g': new Set(['g1']) } },
      { TableName: 't', Key: { pk: 'P#p1#PATIENT#a', sk: 'GROUPS' }, UpdateExpression: 'ADD groupIds :g', ExpressionAttributeValues: { ':g': new Set(['g2']) } },
      { TableName: 't', Key: { pk: 'P#p2#PATIENT#b', sk: 'GROUPS' }, UpdateExpression: 'ADD groupIds :g', ExpressionAttributeValues: { ':g': new Set(['g3']) } },
    ]);
  });

  it('a dry run writes nothing; the table is required', async () => {
    expect(await backfillPatientGroups(doc, { table: 't', dryRun: true })).toEqual({ links: 3, written: 0 });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(() => parseBackfillArgs([])).toThrow('--table');
    expect(parseBackfillArgs(['--table', 't', '--dry-run'])).toEqual({ table: 't', dryRun: true });
  });
});
