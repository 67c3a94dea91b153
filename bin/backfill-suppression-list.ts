/**
 * npx tsx bin/backfill-suppression-list.ts --table <table name> [--endpoint <url>] [--dry-run]
 *
 * Once per table, after the deploy in which the dispatcher records a provider-side opt-out with
 * the same write as a keyword opt-out: before it, the dispatcher wrote the suppression item
 * (P#<p>#SUPPRESS#<type>#<value>) without its list entry (id, channel, gsi1 keys). Such an
 * address is suppressed (the dispatcher reads the item by key) but is missing from
 * `GET /v1/suppressions` and from a broadcast preview's opt-out count, which lists the practice's
 * suppressions. This finds those items (a Scan: an operator's one-off, never a request path) and
 * adds the entry exactly as the repository writes it; an item that has one is left alone, so
 * running it again changes nothing. Prints counts only (no addresses: PHI).
 * Uses the default AWS credentials and region.
 */
import { pathToFileURL } from 'node:url';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { keys } from '../lambdas/adapters/dynamo/keys.js';
import { channelOfAddress, searchAddress } from '../lambdas/adapters/dynamo/suppression-items.js';
import { parseBackfillArgs, scanned, type BackfillOptions } from './backfill-args.js';

const SUPPRESSION_PK = /^P#(.+)#SUPPRESS#(email|phone)#/;

export async function backfillSuppressionList(doc: DynamoDBDocumentClient, o: BackfillOptions, now = () => Date.now()): Promise<{ found: number; written: number }> {
  let found = 0;
  let written = 0;
  const items = scanned(doc, {
    TableName: o.table,
    FilterExpression: '#type = :suppression AND attribute_not_exists(gsi1pk)',
    ExpressionAttributeNames: { '#type': 'type', '#value': 'value', '#at': 'at' },
    ExpressionAttributeValues: { ':suppression': 'Suppression' },
    ProjectionExpression: 'pk, sk, addressType, #value, #at',
  });
  for await (const item of items) {
    const match = SUPPRESSION_PK.exec(item['pk'] as string);
    if (!match) continue;
    found++;
    if (o.dryRun) continue;
    const practiceId = match[1] as string;
    const type = item['addressType'] as 'email' | 'phone';
    const at = Date.parse(item['at'] as string);
    const id = ulid(Number.isFinite(at) ? at : now());
    try {
      await doc.send(
        new UpdateCommand({
          TableName: o.table,
          Key: { pk: item['pk'], sk: item['sk'] },
          UpdateExpression:
            'SET gsi1pk = :g1pk, id = if_not_exists(id, :id), gsi1sk = if_not_exists(gsi1sk, :id), #channel = if_not_exists(#channel, :channel), searchAddress = :search',
          // Still there, still without an entry (a suppression lifted or re-written meanwhile is left as it is).
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi1pk)',
          ExpressionAttributeNames: { '#channel': 'channel' },
          ExpressionAttributeValues: {
            ':g1pk': keys.suppressionsPk(practiceId),
            ':id': id,
            ':channel': channelOfAddress(type),
            ':search': searchAddress(type, item['value'] as string),
          },
        }),
      );
      written++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return { found, written };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const o = parseBackfillArgs(process.argv.slice(2), 'bin/backfill-suppression-list.ts');
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(o.endpoint ? { endpoint: o.endpoint } : {}));
  const { found, written } = await backfillSuppressionList(doc, o);
  process.stdout.write(`${found} suppressions without a list entry found, ${written} written${o.dryRun ? ' (dry run)' : ''}\n`);
  doc.destroy();
}
