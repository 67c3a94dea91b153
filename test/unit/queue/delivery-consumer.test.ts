import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import type { DispatchDeps } from '../../../lambdas/use-cases/dispatch.js';
import { afterErrorDelaySeconds, type DeliveryQueue } from '../../../lambdas/use-cases/delivery-queue.js';
import { encodeDeliveryRef } from '../../../lambdas/adapters/sqs/delivery-message.js';
import { InMemoryDeliveryStore, scriptedSenders } from '../use-cases/dispatch-fakes.js';
import { lambdaContext } from '../stream/stream-event.js';

// The composition root is not loaded: the consumer gets fakes.
vi.mock('../../../lambdas/delivery-wiring.js', () => ({ deliveryQueue: {}, dispatchDeps: {}, flushDeliveryMetrics: () => undefined }));
const { deliveryConsumer } = await import('../../../lambdas/handlers/queue/delivery-consumer.js');

const messageId = '01JNQ8R60000000000000000AA';
const sms: QueuedDelivery = {
  practiceId: 'practice-1',
  conversationId: 'conv-01JNQ8R5ZP4K2M7V3W9XA6B1CD',
  messageId,
  sk: `DLV#${messageId}#000`,
  channel: 'sms',
  address: '+15555550123',
  purpose: 'message',
};
const whatsapp: QueuedDelivery = { ...sms, sk: `DLV#${messageId}#001`, channel: 'whatsapp', address: '+15555550124' };

const event = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  })),
});

let store: InMemoryDeliveryStore;
let senders: ReturnType<typeof scriptedSenders>;
let deps: DispatchDeps;
let queue: DeliveryQueue & { delays: [string, number][] };
const context = lambdaContext('delivery-consumer');
const NOW = Date.parse('2026-03-01T12:00:01.000Z');

beforeEach(() => {
  store = new InMemoryDeliveryStore();
  senders = scriptedSenders();
  store.add(sms);
  store.add(whatsapp);
  deps = { store, senders, now: () => new Date(NOW), maxAttempts: 5, leaseMs: 300_000 };
  const delays: [string, number][] = [];
  queue = { delays, enqueue: vi.fn(async () => {}), delay: async (receipt, seconds) => void delays.push([receipt, seconds]) };
});

describe('Queue consumer: deliveries', () => {
  it('dispatches the delivery of every message (ids only in the body) and reports nothing failed', async () => {
    const result = await deliveryConsumer(deps, queue)(event(encodeDeliveryRef(sms), encodeDeliveryRef(whatsapp)), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(senders.sms.sent.map((m) => m.to)).toEqual(['+15555550123']);
    expect(senders.whatsapp.sent.map((m) => m.to)).toEqual(['+15555550124']);
    expect(JSON.parse(encodeDeliveryRef(sms))).toEqual({ practiceId: 'practice-1', conversationId: sms.conversationId, sk: sms.sk });
  });

  it('a throttled delivery is not failed: its message is delayed (growing wait, no attempt used) and comes back', async () => {
    senders.whatsapp.answer({ ok: false, retryable: true, reason: 'throttled' });
    const result = await deliveryConsumer(deps, queue)(event(encodeDeliveryRef(sms), encodeDeliveryRef(whatsapp)), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(store.stored(whatsapp)).toMatchObject({ status: 'queued', lastError: 'throttled', attempts: 0 });
    expect(queue.delays).toHaveLength(1);
    const [receipt, seconds] = queue.delays[0]!;
    expect(receipt).toBe('r-1');
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(2);
    expect(store.stored(sms)?.status).toBe('sent');
  });

  it('a retryable failure uses an attempt and is delayed by its backoff; the redelivered message sends it', async () => {
    senders.sms.answer({ ok: false, retryable: true, reason: 'provider_unavailable' });
    const consume = deliveryConsumer(deps, queue);
    expect((await consume(event(encodeDeliveryRef(sms)), context)).batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(queue.delays).toEqual([['r-0', 10]]);
    expect(store.stored(sms)).toMatchObject({ status: 'queued', attempts: 1 });
    expect((await consume(event(encodeDeliveryRef(sms)), context)).batchItemFailures).toEqual([]);
    expect(senders.sms.sent).toHaveLength(2); // the refused request, then the one taken
    expect(store.stored(sms)?.status).toBe('sent');
  });

  it('a failure before the hand-over (released) comes back after a short delay, growing with each receive', async () => {
    vi.spyOn(store, 'barriers').mockRejectedValueOnce(new Error('ProvisionedThroughputExceeded'));
    const result = await deliveryConsumer(deps, queue)(event(encodeDeliveryRef(sms)), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(queue.delays).toEqual([['r-0', 1]]);
    expect(store.stored(sms)).toMatchObject({ status: 'queued', attempts: 0 });
    expect([1, 2, 3, 7, 300].map(afterErrorDelaySeconds)).toEqual([1, 2, 4, 60, 60]);
  });

  it('a message already handled (a duplicate) sends nothing twice', async () => {
    const consume = deliveryConsumer(deps, queue);
    await consume(event(encodeDeliveryRef(sms)), context);
    expect((await consume(event(encodeDeliveryRef(sms)), context)).batchItemFailures).toEqual([]);
    expect(senders.sms.sent).toHaveLength(1);
  });

  it('a body that is not a delivery key is a batch item failure (on to the dead-letter queue), never sent', async () => {
    const result = await deliveryConsumer(deps, queue)(event('{"practiceId":"practice-1"}', 'not json'), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }, { itemIdentifier: 'm-1' }]);
    expect(senders.sms.sent).toHaveLength(0);
  });
});
