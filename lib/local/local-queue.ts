/**
 * The local runtime's stand-in for the SQS delivery queue, with the semantics the queue
 * consumer relies on: messages are received in batches (at most `batchSize`) by the consumer's
 * handler with an SQS event, at most `maxConcurrency` batches at a time; a received message is
 * invisible for `visibilityTimeoutMs` (ChangeMessageVisibility moves that: a delay); a message
 * not reported in `batchItemFailures` is deleted, a reported one (or every one, when the handler
 * throws) comes back once visible again. Registered on `globalThis` for the lambdas' local adapter.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type InProcessQueue, LOCAL_DELIVERY_QUEUE } from '../../lambdas/adapters/sqs/local-delivery-queue.js';
import { localContext } from './stream-poller.js';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface LocalQueueOptions {
  handler: () => Promise<QueueHandler>;
  maxConcurrency: number;
  batchSize: number;
  visibilityTimeoutMs: number;
  /** How often invisible messages are checked (default 50 ms). */
  tickMs?: number;
  queueArn?: string;
}

interface Message {
  id: string;
  body: string;
  visibleAt: number;
  receiveCount: number;
  receipt?: string;
}

export interface LocalQueue extends InProcessQueue {
  /** Messages not yet deleted (visible or in flight). */
  size(): number;
  /** Hands out no batch until resume (resolves when the batches in flight have ended). */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

export function startLocalQueue(options: LocalQueueOptions): LocalQueue {
  const messages = new Map<string, Message>();
  const byReceipt = new Map<string, Message>();
  const running = new Set<Promise<void>>();
  const arn = options.queueArn ?? 'arn:aws:sqs:us-east-1:000000000000:practice-messaging-local-deliveries';
  let stopped = false;
  let paused = false;

  const invoke = async (batch: Message[]) => {
    const event: SQSEvent = {
      Records: batch.map((m) => ({
        messageId: m.id,
        receiptHandle: m.receipt!,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: '0',
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: arn,
        awsRegion: 'us-east-1',
      })),
    };
    let failed: Set<string>;
    try {
      const response = await (await options.handler())(event, localContext('delivery-consumer'));
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.id));
    }
    for (const m of batch) {
      // Deleted with its receipt: a message received again since then is not this delivery's to delete.
      if (failed.has(m.id) || byReceipt.get(m.receipt!) !== m) continue;
      messages.delete(m.id);
      byReceipt.delete(m.receipt!);
    }
  };

  const pump = () => {
    if (stopped || paused) return;
    const now = Date.now();
    while (running.size < options.maxConcurrency) {
      const batch: Message[] = [];
      for (const m of messages.values()) {
        if (m.visibleAt > now) continue;
        if (m.receipt) byReceipt.delete(m.receipt);
        m.receipt = randomUUID();
        m.receiveCount++;
        m.visibleAt = now + options.visibilityTimeoutMs;
        byReceipt.set(m.receipt, m);
        batch.push(m);
        if (batch.length >= options.batchSize) break;
      }
      if (batch.length === 0) return;
      const run = invoke(batch).finally(() => {
        running.delete(run);
        pump();
      });
      running.add(run);
    }
  };
  const timer = setInterval(pump, options.tickMs ?? 50);

  const queue: LocalQueue = {
    send(bodies) {
      for (const body of bodies) {
        const id = randomUUID();
        messages.set(id, { id, body, visibleAt: 0, receiveCount: 0 });
      }
      queueMicrotask(pump);
    },
    changeVisibility(receipt, seconds) {
      const m = byReceipt.get(receipt);
      if (!m) throw new Error('ReceiptHandleIsInvalid');
      m.visibleAt = Date.now() + seconds * 1000;
    },
    size: () => messages.size,
    waiting() {
      const now = Date.now();
      let n = 0;
      for (const m of messages.values()) if (m.visibleAt <= now) n++;
      return n;
    },
    async pause() {
      paused = true;
      await Promise.allSettled([...running]);
    },
    resume() {
      paused = false;
      queueMicrotask(pump);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...running]);
      const holder = globalThis as unknown as Record<symbol, InProcessQueue | undefined>;
      if (holder[LOCAL_DELIVERY_QUEUE] === queue) delete holder[LOCAL_DELIVERY_QUEUE];
    },
  };
  (globalThis as unknown as Record<symbol, InProcessQueue | undefined>)[LOCAL_DELIVERY_QUEUE] = queue;
  return queue;
}
