/** The arguments every one-off backfill takes: the table, an endpoint (DynamoDB Local) and a dry run. */
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
