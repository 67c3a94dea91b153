/** What every one-off backfill shares: its arguments (the table, an endpoint for DynamoDB Local, a dry run) and its Scan. */
import { ScanCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';

export interface BackfillOptions {
  table: string;
  endpoint?: string;
  dryRun: boolean;
}

export function parseBackfillArgs(argv: readonly string[], script: string): BackfillOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const table = value('--table');
  if (!table) throw new Error(`Usage: npx tsx ${script} --table <table name> [--endpoint <url>] [--dry-run]`);
  const endpoint = value('--endpoint');
  return { table, ...(endpoint ? { endpoint } : {}), dryRun: argv.includes('--dry-run') };
}

/** Every item a Scan finds, page after page (an operator's one-off: never on a request path). */
export async function* scanned(doc: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>): AsyncIterable<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
