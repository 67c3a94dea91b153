/**
 * The local stand-in for Lambda's DynamoDB stream event sources: reads DynamoDB Local's stream
 * (DescribeStream / GetShardIterator / GetRecords), applies each consumer's filter patterns from
 * lib/stream-consumers.ts and calls the same handler with the same event shape. Each consumer
 * reads on its own (its own shard iterators), as each has its own event source mapping on AWS.
 * Failed records (partial batch response, or a thrown handler) are retried with backoff, then
 * set aside.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesFilter, type StreamConsumer } from '../stream-consumers.js';
import { localCredentials } from './emulators.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface PollerOptions {
  endpoint: string;
  tableName: string;
  consumers: { consumer: StreamConsumer; handler: () => Promise<StreamHandler> }[];
  intervalMs?: number;
  maxAttempts?: number;
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** Records that failed every attempt (the local dead-letter queue). */
  deadLetters(): { consumer: string; eventID: string }[];
  /** Stop reading (records wait in the stream) until resumed; resolves once no read is in flight. */
  pause(): Promise<void>;
  resume(): void;
}

/** The Lambda context a local handler is called with (Powertools reads it). */
export const localContext = (name: string): Context =>
  ({
    functionName: `local-${name}`,
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => 60_000,
    callbackWaitsForEmptyEventLoop: false,
  }) as unknown as Context;

export async function startStreamPoller(options: PollerOptions): Promise<StreamPoller> {
  const region = 'us-east-1';
  const ddb = new DynamoDBClient({ endpoint: options.endpoint, region, credentials: localCredentials });
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region, credentials: localCredentials });
  const table = await ddb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error('The local table has no stream');
  const interval = options.intervalMs ?? 100;
  const maxAttempts = options.maxAttempts ?? 4;
  const dead: { consumer: string; eventID: string }[] = [];
  let running = true;
  let paused = false;

  /**
   * One consumer's reader: its own shard iterators, like one Lambda event source mapping. Each
   * consumer reads the stream on its own, so a slow one (the broadcast fan-out writing chunks)
   * does not hold back the others (the dispatcher), as on AWS.
   */
  async function reader({ consumer, handler }: PollerOptions['consumers'][number]) {
    const iterators = new Map<string, string>();
    const finished = new Set<string>();
    let first = true;
    const state = { idle: false };

    async function discover() {
      const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of out.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId as string;
        if (iterators.has(id) || finished.has(id)) continue;
        // Shards present at start are read from now on; shards that appear later from their start.
        const it = await streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: first ? 'LATEST' : 'TRIM_HORIZON' }),
        );
        if (it.ShardIterator) iterators.set(id, it.ShardIterator);
      }
      first = false;
    }

    async function deliver(records: _Record[]) {
      const matched = records.filter((r) => consumer.filters.some((f) => matchesFilter(f, r)));
      for (let i = 0; i < matched.length; i += consumer.batchSize) {
        let batch = matched.slice(i, i + consumer.batchSize).map((r) => ({ ...r, eventSourceARN: streamArn }));
        for (let attempt = 1; batch.length > 0; attempt++) {
          let failedIds: Set<string>;
          try {
            const result = await (await handler())({ Records: batch } as unknown as DynamoDBStreamEvent, localContext(consumer.name));
            failedIds = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
          } catch {
            failedIds = new Set(batch.map((r) => r.dynamodb?.SequenceNumber as string));
          }
          batch = batch.filter((r) => failedIds.has(r.dynamodb?.SequenceNumber as string));
          if (batch.length === 0) break;
          if (attempt >= maxAttempts) {
            for (const r of batch) dead.push({ consumer: consumer.name, eventID: r.eventID as string });
            break;
          }
          await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        }
      }
    }

    await discover();
    let lastDiscovery = Date.now();
    const loop = (async () => {
      while (running) {
        state.idle = paused;
        if (paused) {
          await new Promise((r) => setTimeout(r, interval));
          continue;
        }
        try {
          if (Date.now() - lastDiscovery > 2000) {
            await discover();
            lastDiscovery = Date.now();
          }
          for (const [shardId, iterator] of [...iterators]) {
            const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
            if (out.Records && out.Records.length > 0) await deliver(out.Records);
            if (out.NextShardIterator) iterators.set(shardId, out.NextShardIterator);
            else {
              iterators.delete(shardId);
              finished.add(shardId);
            }
          }
        } catch {
          // The emulator is going away (stop) or hiccupped: try again on the next tick.
        }
        await new Promise((r) => setTimeout(r, interval));
      }
    })();
    return { loop, state };
  }

  const readers = await Promise.all(options.consumers.map(reader));

  return {
    async stop() {
      running = false;
      await Promise.all(readers.map((r) => r.loop));
      ddb.destroy();
      streams.destroy();
    },
    deadLetters: () => [...dead],
    async pause() {
      paused = true;
      // Every reader has finished what it was reading and seen the switch.
      for (const r of readers) r.state.idle = false;
      while (running && readers.some((r) => !r.state.idle)) await new Promise((r) => setTimeout(r, interval / 4));
    },
    resume: () => {
      paused = false;
    },
  };
}
