/**
 * Consumers of the table's stream: read by the CDK service stack (an event source per consumer,
 * with these filter patterns as Lambda filter criteria) and by the local stream poller (which
 * applies the same patterns before calling the same handler). Data only: no lambdas/ imports.
 */
export type FilterPattern = { [key: string]: FilterPattern | readonly (string | number | boolean)[] };

export interface StreamConsumer {
  name: string;
  /** Entry module relative to the repository root; exports `handler`. */
  entry: string;
  /** A record is passed when it matches any of these (Lambda event filtering semantics, subset). */
  filters: readonly FilterPattern[];
  batchSize: number;
  /** What the consumer sends besides table access: granted least-privilege by the service stack. */
  sends?: readonly ('email' | 'sms' | 'whatsapp')[];
  /** Puts deliveries on the delivery queue (it may send messages to that queue, nothing else of it). */
  enqueuesDeliveries?: boolean;
}

export const streamConsumers: readonly StreamConsumer[] = [
  {
    name: 'block-visibility',
    entry: 'lambdas/handlers/stream/block-visibility.ts',
    filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { type: { S: ['Block'] } } } }],
    batchSize: 10,
  },
  {
    name: 'broadcast-fanout',
    entry: 'lambdas/handlers/stream/broadcast-fanout.ts',
    // A broadcast just accepted (status preparing: expand its audience into chunks), and each chunk.
    filters: [
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['Broadcast'] }, status: { S: ['preparing'] } } } },
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['BroadcastChunk'] } } } },
    ],
    // One chunk is up to 100 recipients, written in BatchWriteItem calls: a few chunks per invocation.
    batchSize: 2,
  },
  {
    name: 'participant-fanout',
    entry: 'lambdas/handlers/stream/participant-fanout.ts',
    filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['ParticipantChunk'] } } } }],
    // A chunk is up to 50 parties (a few transactions of up to 99 writes each); the batch's chunks
    // run in parallel, so a 500-person send's 10 chunks are one invocation.
    batchSize: 10,
  },
  {
    name: 'dispatcher',
    entry: 'lambdas/handlers/stream/dispatcher.ts',
    // Only new deliveries waiting to be sent; every later state change is written by the
    // dispatcher itself and must not come back to it.
    filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['Delivery'] }, status: { S: ['queued'] } } } }],
    batchSize: 25,
    // It sends nothing itself: the delivery queue's consumer does (lib/delivery-queue-consumer.ts).
    enqueuesDeliveries: true,
  },
];

/** The subset of Lambda's filter rules the patterns above use: nested keys, lists of exact values. */
export function matchesFilter(pattern: FilterPattern, value: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const actual = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!expected.includes(actual as string | number | boolean)) return false;
    } else if (!matchesFilter(expected as FilterPattern, actual)) {
      return false;
    }
  }
  return true;
}
