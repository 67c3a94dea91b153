/**
 * The local stand-in for Lambda's DynamoDB stream event sources: reads DynamoDB Local's stream
 * (DescribeStream / GetShardIterator / GetRecords), applies each consumer's filter patterns from
 * lib/stream-consumers.ts and calls the same handler with the same event shape. The stream is
 * read once; each consumer handles its records on its own, as each has its own event source
 * mapping on AWS. Failed records (partial batch response, or a thrown handler) are retried with
 * backoff, then set aside.
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
  /** Stop reading and handling (records wait) until resumed; resolves once nothing is in flight. */
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

/** A consumer's records read but not yet handled; past this the reader waits (a slow consumer slows only the reading). */
const MAX_BUFFERED = 5_000;

export async function startStreamPoller(options: PollerOptions): Promise<StreamPoller> {
  const region = 'us-east-1';
  const ddb = new DynamoDBClient({ endpoint: options.endpoint, region, credentials: localCredentials });
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region, credentials: localCredentials });
  const table = await ddb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error('The local table has no stream');
  const interval = options.intervalMs ?? 100;
  const maxAttempts = options.maxAttempts ?? 4;
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  const dead: { consumer: string; eventID: string }[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let running = true;
  let paused = false;
  let first = true;

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

  /**
   * One consumer's side: the records that match its filters, in stream order, and a loop that
   * hands them to its handler a batch at a time (with retries), on its own, like one Lambda event
   * source mapping: a slow consumer (the broadcast fan-out writing chunks) does not hold back the
   * others (the dispatcher), as on AWS. The stream itself is read once for all of them.
   */
  function worker({ consumer, handler }: PollerOptions['consumers'][number]) {
    const buffered: _Record[] = [];
    const state = { idle: false };

    async function handle(records: _Record[]) {
      let batch = records.map((r) => ({ ...r, eventSourceARN: streamArn }));
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
        await sleep(50 * 2 ** attempt);
      }
    }

    const loop = (async () => {
      while (running) {
        state.idle = paused || buffered.length === 0;
        if (state.idle) {
          await sleep(interval / 4);
          continue;
        }
        await handle(buffered.splice(0, consumer.batchSize));
      }
    })();
    return {
      loop,
      state,
      buffered,
      take: (records: _Record[]) => buffered.push(...records.filter((r) => consumer.filters.some((f) => matchesFilter(f, r)))),
    };
  }

  const workers = options.consumers.map(worker);
  const reading = { idle: false };

  await discover();
  let lastDiscovery = Date.now();
  const loop = (async () => {
    while (running) {
      reading.idle = paused;
      if (paused || workers.some((w) => w.buffered.length > MAX_BUFFERED)) {
        await sleep(interval);
        continue;
      }
      try {
        if (Date.now() - lastDiscovery > 2000) {
          await discover();
          lastDiscovery = Date.now();
        }
        for (const [shardId, iterator] of [...iterators]) {
          const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          if (out.Records && out.Records.length > 0) for (const w of workers) w.take(out.Records);
          if (out.NextShardIterator) iterators.set(shardId, out.NextShardIterator);
          else {
            iterators.delete(shardId);
            finished.add(shardId);
          }
        }
      } catch {
        // The emulator is going away (stop) or hiccupped: try again on the next tick.
      }
      await sleep(interval);
    }
  })();

  return {
    async stop() {
      running = false;
      await Promise.all([loop, ...workers.map((w) => w.loop)]);
      ddb.destroy();
      streams.destroy();
    },
    deadLetters: () => [...dead],
    async pause() {
      paused = true;
      // The reader and every consumer have finished what they were doing and seen the switch;
      // records read but not handled wait in their consumer's buffer until resumed.
      reading.idle = false;
      for (const w of workers) w.state.idle = false;
      while (running && (!reading.idle || workers.some((w) => !w.state.idle))) await sleep(interval / 4);
    },
    resume: () => {
      paused = false;
    },
  };
}
