import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeliveryQueue } from '../../../lambdas/adapters/sqs/sqs-delivery-queue.js';
import { decodeDeliveryRef } from '../../../lambdas/adapters/sqs/delivery-message.js';
import { queueDelaySeconds } from '../../../lambdas/use-cases/delivery-queue.js';

const sqs = mockClient(SQSClient);
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/practice-messaging-dev-deliveries';
const ref = (n: number) => ({ practiceId: 'p-1', conversationId: 'conv-1', sk: `DLV#m#${String(n).padStart(3, '0')}` });

beforeEach(() => sqs.reset());

describe('SQS delivery queue', () => {
  it('enqueues in SendMessageBatch calls of at most ten, each body the delivery key only', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const refs = Array.from({ length: 12 }, (_, n) => ({ ...ref(n), address: '+15555550123', body: 'secret' }));
    await new SqsDeliveryQueue(URL, new SQSClient({})).enqueue(refs);
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries!.length)).toEqual([10, 2]);
    expect(calls[0]!.QueueUrl).toBe(URL);
    expect(calls[1]!.Entries).toEqual([
      { Id: '0', MessageBody: JSON.stringify(ref(10)) },
      { Id: '1', MessageBody: JSON.stringify(ref(11)) },
    ]);
    expect(JSON.stringify(calls)).not.toMatch(/secret|\+1555/);
  });

  it('a batch with failed entries throws (the producer retries; a duplicate is harmless)', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    await expect(new SqsDeliveryQueue(URL, new SQSClient({})).enqueue([ref(0)])).rejects.toThrow('1 of 1 not queued (InternalError)');
  });

  it('a delay is a ChangeMessageVisibility of the received message, capped at 12 hours', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const queue = new SqsDeliveryQueue(URL, new SQSClient({}));
    await queue.delay('receipt-1', 30);
    await queue.delay('receipt-2', 50_000);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: URL, ReceiptHandle: 'receipt-1', VisibilityTimeout: 30 },
      { QueueUrl: URL, ReceiptHandle: 'receipt-2', VisibilityTimeout: 43_200 },
    ]);
  });

  it('the messages waiting are GetQueueAttributes ApproximateNumberOfMessages (visible only), 0 when absent', async () => {
    sqs.on(GetQueueAttributesCommand).resolvesOnce({ Attributes: { ApproximateNumberOfMessages: '1234' } }).resolvesOnce({});
    const queue = new SqsDeliveryQueue(URL, new SQSClient({}));
    expect(await queue.waiting()).toBe(1234);
    expect(await queue.waiting()).toBe(0);
    expect(sqs.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: URL, AttributeNames: ['ApproximateNumberOfMessages'] },
      { QueueUrl: URL, AttributeNames: ['ApproximateNumberOfMessages'] },
    ]);
  });

  it('a wait becomes whole seconds between 1 and 12 hours', () => {
    expect([queueDelaySeconds(0), queueDelaySeconds(1_500), queueDelaySeconds(900_000), queueDelaySeconds(10 ** 9)]).toEqual([1, 2, 900, 43_200]);
  });

  it('a message body must be the delivery key: anything else is refused, naming no value', () => {
    expect(decodeDeliveryRef(JSON.stringify(ref(1)))).toEqual(ref(1));
    expect(() => decodeDeliveryRef('{"practiceId":"p-1","conversationId":"c","sk":"s","to":"+15555550123"}')).toThrow(/^Malformed delivery queue message: $/);
    expect(() => decodeDeliveryRef('nope')).toThrow('not JSON');
  });
});
