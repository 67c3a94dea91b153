import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import type { DispatchDeps } from '../../../lambdas/use-cases/dispatch.js';
import { InMemoryDeliveryStore, scriptedSenders } from '../use-cases/dispatch-fakes.js';
import { lambdaContext, sequenceOf, streamEvent } from './stream-event.js';

// The composition root is not loaded: the consumer gets fakes.
vi.mock('../../../lambdas/wiring.js', () => ({ dispatchDeps: {} }));
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

let store: InMemoryDeliveryStore;
let senders: ReturnType<typeof scriptedSenders>;
let deps: DispatchDeps;
const context = lambdaContext('dispatcher');

beforeEach(() => {
  store = new InMemoryDeliveryStore();
  senders = scriptedSenders();
  store.add(smsDelivery);
  store.add(whatsappDelivery);
  deps = { store, senders, now: () => new Date('2026-03-01T12:00:01.000Z'), maxAttempts: 5, leaseMs: 300_000, broadcastSettled: vi.fn(async () => {}) };
});

describe('Stream consumer: dispatcher', () => {
  it('decodes a delivery item into the dispatcher\'s input; any other item is not its own', () => {
    const [sms, message, whatsapp] = streamEvent('dispatcher').Records;
    expect(decodeDelivery(sms!)).toEqual(smsDelivery);
    expect(decodeDelivery(whatsapp!)).toEqual(whatsappDelivery);
    expect(decodeDelivery(message!)).toBeNull();
  });

  it('dispatches every delivery of the batch with its decoded input and skips the message record', async () => {
    const claim = vi.spyOn(store, 'claim');
    const result = await dispatcher(deps)(streamEvent('dispatcher'), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(claim.mock.calls.map(([d]) => d)).toEqual([smsDelivery, whatsappDelivery]);
    expect(senders.sms.sent.map((m) => m.to)).toEqual(['+15555550123']);
    expect(senders.whatsapp.sent.map((m) => m.to)).toEqual(['+15555550124']);
    expect(store.stored(smsDelivery)?.status).toBe('sent');
    expect(deps.broadcastSettled).toHaveBeenCalledWith('practice-1', 'bcast-1', 'sent');
  });

  it('a delivery to be retried is reported in batchItemFailures (and released); the others succeed', async () => {
    senders.whatsapp.answer({ ok: false, retryable: true, reason: 'provider_unavailable' });
    const event = streamEvent('dispatcher');
    const result = await dispatcher(deps)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[2]!) }]);
    expect(store.stored(whatsappDelivery)).toMatchObject({ status: 'queued', lastError: 'provider_unavailable' });
    expect(store.stored(smsDelivery)?.status).toBe('sent');
  });

  it('a throttled delivery is released to wait (its lease due later) and its record is done: no batch item failure', async () => {
    senders.whatsapp.answer({ ok: false, retryable: true, reason: 'throttled' });
    const result = await dispatcher(deps)(streamEvent('dispatcher'), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(store.stored(whatsappDelivery)).toMatchObject({ status: 'queued', lastError: 'throttled', attempts: 0 });
    expect(Date.parse(store.stored(whatsappDelivery)!.leaseDue!)).toBeGreaterThan(Date.parse('2026-03-01T12:00:01.000Z'));
  });

  it('a delivery item that does not parse is reported as failed, never sent', async () => {
    const event = streamEvent('dispatcher');
    delete event.Records[0]!.dynamodb!.NewImage!['channel'];
    const result = await dispatcher(deps)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[0]!) }]);
    expect(senders.sms.sent).toHaveLength(0);
    expect(() => decodeDelivery(event.Records[0]!)).toThrow('Malformed Delivery item in the stream: channel');
  });
});
