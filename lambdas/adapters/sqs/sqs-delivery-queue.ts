/**
 * The delivery queue on SQS: SendMessageBatch in tens (a batch whose entries fail throws, so the
 * producer retries; a duplicate message is harmless, the claim sends once),
 * ChangeMessageVisibility for a delay, and GetQueueAttributes for the sweeper's backlog check.
 */
import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryRef } from '../../use-cases/delivery-ports.js';
import { type DeliveryQueue, MAX_QUEUE_DELAY_SECONDS } from '../../use-cases/delivery-queue.js';
import { encodeDeliveryRef } from './delivery-message.js';

/** SQS takes at most ten entries per SendMessageBatch. */
const SQS_BATCH = 10;

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {}

  async enqueue(refs: readonly DeliveryRef[]): Promise<void> {
    for (let i = 0; i < refs.length; i += SQS_BATCH) {
      const entries = refs.slice(i, i + SQS_BATCH).map((ref, n) => ({ Id: String(n), MessageBody: encodeDeliveryRef(ref) }));
      const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
      if (out.Failed && out.Failed.length > 0) {
        throw new Error(`SendMessageBatch: ${out.Failed.length} of ${entries.length} not queued (${out.Failed.map((f) => f.Code).join(', ')})`);
      }
    }
  }

  async delay(receipt: string, seconds: number): Promise<void> {
    const VisibilityTimeout = Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.round(seconds)));
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt, VisibilityTimeout }));
  }

  async waiting(): Promise<number> {
    const out = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return Number(out.Attributes?.['ApproximateNumberOfMessages'] ?? 0) || 0;
  }
}
