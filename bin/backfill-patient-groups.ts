/**
 * npx tsx bin/backfill-patient-groups.ts --table <table name> [--endpoint <url>] [--dry-run]
 *
 * Once per table, when broadcasts that read a patient's groups from the `GROUPS` item beside the
 * patient (P#<p>#PATIENT#<id> / GROUPS) are first deployed: memberships made before then have only
 * the reverse link (P#<p>#PATIENT#<id> / GROUP#<gid>). This reads every reverse link of a patient
 * (a Scan: an operator's one-off, never a request path) and adds its group to the patient's
 * `GROUPS` item (`ADD groupIds`: running it again changes nothing). Prints counts only (no PHI).
 * Uses the default AWS credentials and region.
 */
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parseBackfillArgs as parseArgs, scanned, type BackfillOptions } from './backfill-args.js';

export type { BackfillOptions };

export const parseBackfillArgs = (argv: readonly string[]) => parseArgs(argv, 'bin/backfill-patient-groups.ts');

export async function backfillPatientGroups(doc: DynamoDBDocumentClient, o: BackfillOptions): Promise<{ links: number; written: number }> {
  let links = 0;
  let written = 0;
  const found = scanned(doc, {
    TableName: o.table,
    FilterExpression: '#type = :link AND memberType = :patient',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':link': 'GroupLink', ':patient': 'patient' },
    ProjectionExpression: 'pk, groupId',
  });
  for await (const link of found) {
    links++;
    if (o.dryRun) continue;
    await doc.send(
      new UpdateCommand({
        TableName: o.table,
        Key: { pk: link['pk'], sk: 'GROUPS' },
        UpdateExpression: 'ADD groupIds :g',
        ExpressionAttributeValues: { ':g': new Set([link['groupId'] as string]) },
      }),
    );
    written++;
  }
  return { links, written };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const o = parseBackfillArgs(process.argv.slice(2));
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(o.endpoint ? { endpoint: o.endpoint } : {}));
  const { links, written } = await backfillPatientGroups(doc, o);
  process.stdout.write(`${links} patient group links found, ${written} written${o.dryRun ? ' (dry run)' : ''}\n`);
  doc.destroy();
}
