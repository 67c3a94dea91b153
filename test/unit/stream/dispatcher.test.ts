import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryRef, QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import type { DeliveryQueue } from '../../../lambdas/use-cases/delivery-queue.js';
import { lambdaContext, sequenceOf, streamEvent } from './stream-event.js';

// The composition root is not loaded: the consumer gets a fake queue.
vi.mock('../../../lambdas/wiring/delivery-queue.js', () => ({ deliveryQueue: {} }));
const { dispatcher } = await import('../../../lambdas/handlers/stream/dispatcher.js');
const { decodeDelivery } = await import('../../../lambdas/adapters/dynamo/stream-items.js');

const conversationId = 'conv-01JNQ8R5ZP4K2M7V3W9XA6B1CD';
const messageId = '01JNQ8R60000000000000000AA';
const smsDelivery: QueuedDelivery = {
  practiceId: 'practice-1',
  conversationId,
  messageId,
  sk: `DLV#${messageId}#000`,
  channel: 'sms',
  address: '+15555550123',
  purpose: 'message',
};
const whatsappDelivery: QueuedDelivery = {
  ...smsDelivery,
  sk: `DLV#${messageId}#001`,
  channel: 'whatsapp',
  address: '+15555550124',
  broadcastId: 'bcast-1',
};
const key = (d: QueuedDelivery): DeliveryRef => ({ practiceId: d.practiceId, conversationId: d.conversationId, sk: d.sk });

let enqueued: DeliveryRef[][];
let queue: DeliveryQueue;
const context = lambdaContext('dispatcher');

beforeEach(() => {
  enqueued = [];
  queue = { enqueue: vi.fn(async (refs: readonly DeliveryRef[]) => void enqueued.push([...refs])), delay: vi.fn(async () => {}) };
});

describe('Stream consumer: dispatcher (puts new deliveries on the delivery queue)', () => {
  it('decodes a delivery item into the dispatcher\'s input; any other item is not its own', () => {
    const [sms, message, whatsapp] = streamEvent('dispatcher').Records;
    expect(decodeDelivery(sms!)).toEqual(smsDelivery);
    expect(decodeDelivery(whatsapp!)).toEqual(whatsappDelivery);
    expect(decodeDelivery(message!)).toBeNull();
  });

  it('enqueues every delivery of the batch in one call, key fields only (no address, no content); skips the message record; sends nothing', async () => {
    const result = await dispatcher(queue)(streamEvent('dispatcher'), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(enqueued).toEqual([[key(smsDelivery), key(whatsappDelivery)]]);
    expect(JSON.stringify(enqueued)).not.toContain('+1555');
  });

  it('a portal delivery (no provider sends it) is not enqueued', async () => {
    const event = streamEvent('dispatcher');
    event.Records[0]!.dynamodb!.NewImage!['channel'] = { S: 'portal' };
    await dispatcher(queue)(event, context);
    expect(enqueued).toEqual([[key(whatsappDelivery)]]);
  });

  it('a batch the queue did not take is reported failed, record by record, so the stream retries it', async () => {
    vi.mocked(queue.enqueue).mockRejectedValueOnce(new Error('SendMessageBatch: 1 of 2 not queued'));
    const event = streamEvent('dispatcher');
    const result = await dispatcher(queue)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[0]!) }, { itemIdentifier: sequenceOf(event.Records[2]!) }]);
  });

  it('a delivery item that does not parse is reported as failed, never enqueued', async () => {
    const event = streamEvent('dispatcher');
    delete event.Records[0]!.dynamodb!.NewImage!['channel'];
    const result = await dispatcher(queue)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[0]!) }]);
    expect(enqueued).toEqual([[key(whatsappDelivery)]]);
    expect(() => decodeDelivery(event.Records[0]!)).toThrow('Malformed Delivery item in the stream: channel');
  });
});
