/**
 * The single table's key schema, shared by the CDK stateful stack and the local runtime
 * (which creates the same table in DynamoDB Local). See docs/data-model.md for what each
 * index serves.
 */
export const tableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
} as const;

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

/** Global secondary indexes, all projecting ALL attributes, all string keys. */
export const globalIndexes: readonly IndexDefinition[] = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  /** Sparse: only deliveries still `queued` or `sending` carry leasePk/leaseDue (the sweeper's index). */
  { indexName: 'leases', partitionKey: 'leasePk', sortKey: 'leaseDue' },
];
