import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalQueue, type LocalQueue } from '../../../lib/local/local-queue.js';
import { localDeliveryQueue } from '../../../lambdas/adapters/sqs/local-delivery-queue.js';

let queue: LocalQueue | undefined;
afterEach(async () => {
  await queue?.stop();
  queue = undefined;
});

const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const ref = (n: number) => ({ practiceId: 'p-1', conversationId: 'c-1', sk: `DLV#${n}` });

describe('Local delivery queue (the in-process stand-in for SQS)', () => {
  it('hands what the lambdas adapter enqueues to the consumer as an SQS event, in batches, and deletes what succeeded', async () => {
    const events: SQSEvent[] = [];
    queue = startLocalQueue({ handler: async () => async (e) => void events.push(e), maxConcurrency: 1, batchSize: 2, visibilityTimeoutMs: 1_000, tickMs: 10 });
    await localDeliveryQueue.enqueue([ref(1), ref(2), ref(3)]);
    await until(() => queue!.size() === 0);
    expect(events.map((e) => e.Records.length)).toEqual([2, 1]);
    expect(JSON.parse(events[0]!.Records[0]!.body)).toEqual(ref(1));
    expect(events[0]!.Records[0]).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
  });

  it('paused, hands out nothing (a benchmark counts one request\'s calls); resumed, hands out what waited', async () => {
    const events: SQSEvent[] = [];
    queue = startLocalQueue({ handler: async () => async (e) => void events.push(e), maxConcurrency: 1, batchSize: 10, visibilityTimeoutMs: 1_000, tickMs: 10 });
    await queue.pause();
    await localDeliveryQueue.enqueue([ref(1), ref(2)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(0);
    expect(queue.size()).toBe(2);
    queue.resume();
    await until(() => queue!.size() === 0);
    expect(events.flatMap((e) => e.Records.map((r) => JSON.parse(r.body) as unknown))).toEqual([ref(1), ref(2)]);
  });

  it('counts the messages waiting to be received (not those in flight or delayed), as the sweeper asks the adapter', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    queue = startLocalQueue({ handler: async () => async () => held, maxConcurrency: 1, batchSize: 1, visibilityTimeoutMs: 60_000, tickMs: 10 });
    expect(await localDeliveryQueue.waiting!()).toBe(0);
    await localDeliveryQueue.enqueue([ref(1), ref(2), ref(3)]);
    // One is in flight (held by the consumer), two wait.
    await until(() => queue!.waiting() === 2);
    expect(await localDeliveryQueue.waiting!()).toBe(2);
    release();
    await until(() => queue!.size() === 0);
    expect(await localDeliveryQueue.waiting!()).toBe(0);
  });

  it('a batch item failure comes back after its visibility delay (ChangeMessageVisibility through the adapter)', async () => {
    const seen: number[] = [];
    queue = startLocalQueue({
      handler: async () => async (e): Promise<SQSBatchResponse> => {
        const r = e.Records[0]!;
        seen.push(Date.now());
        if (r.attributes.ApproximateReceiveCount === '1') {
          await localDeliveryQueue.delay(r.receiptHandle, 0.3);
          return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
        }
        return { batchItemFailures: [] };
      },
      maxConcurrency: 1,
      batchSize: 10,
      visibilityTimeoutMs: 60_000,
      tickMs: 10,
    });
    await localDeliveryQueue.enqueue([ref(1)]);
    await until(() => queue!.size() === 0);
    expect(seen).toHaveLength(2);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(250);
  });

  it('a handler that throws leaves the whole batch to come back after the visibility timeout', async () => {
    let calls = 0;
    queue = startLocalQueue({
      handler: async () => async () => {
        if (++calls === 1) throw new Error('crash');
      },
      maxConcurrency: 1,
      batchSize: 10,
      visibilityTimeoutMs: 100,
      tickMs: 10,
    });
    await localDeliveryQueue.enqueue([ref(1), ref(2)]);
    await until(() => queue!.size() === 0);
    expect(calls).toBe(2);
  });

  it('never more batches at once than maxConcurrency', async () => {
    let active = 0;
    let most = 0;
    queue = startLocalQueue({
      handler: async () => async () => {
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
      },
      maxConcurrency: 3,
      batchSize: 1,
      visibilityTimeoutMs: 10_000,
      tickMs: 5,
    });
    await localDeliveryQueue.enqueue(Array.from({ length: 20 }, (_, n) => ref(n)));
    await until(() => queue!.size() === 0);
    expect(most).toBe(3);
  });
});
