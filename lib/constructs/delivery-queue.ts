/**
 * The delivery queue (docs/reliability.md): the stream dispatcher and the sweeper put delivery
 * keys on it; its consumer (lambdas/handlers/queue/delivery-consumer.ts) sends, at most
 * `concurrency` batches at once (match the provider's rate). A delivery to be tried again is
 * delayed on the queue (ChangeMessageVisibility), never failed for throttling; a message received
 * `DELIVERY_MAX_RECEIVES` times goes to the dead-letter queue (delivery ids only, alarmed,
 * `npm run redrive`). Both queues: the stack's key, TLS only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_DELIVERY_CONCURRENCY, DELIVERY_BATCH_SIZE, DELIVERY_CONSUMER_ENTRY } from '../delivery-queue-consumer.js';
import { HandlerFunction } from './handler-function.js';
import { grantSending, type Sending, sendingEnvironment, sendingNoVpcReason } from './provider-grants.js';
import { grantTableAccess } from './table-access.js';

export const DELIVERY_CONSUMER_TIMEOUT = Duration.seconds(60);
/**
 * Receives before a message goes to the dead-letter queue. Throttling must never get there: a
 * delivery throttled for a day comes back after waits that double from 2 s to the 15-minute cap,
 * with jitter down to half (7.5 min): at most ~10 growing waits + 24 h / 7.5 min = 192 receives,
 * plus 5 retryable attempts and a few releases, before dispatch fails it
 * (`retries_exhausted:throttled`) and the message is deleted. 300 leaves room above that, and a
 * message that fails for any other reason (released, back after 1 s growing to 1 minute) reaches
 * the dead-letter queue within about five hours.
 */
export const DELIVERY_MAX_RECEIVES = 300;
export const DELIVERY_DEAD_LETTER_RETENTION = Duration.days(14);

export interface DeliveryQueueProps {
  readonly stage: string;
  readonly key: IKey;
  readonly table: ITable;
  readonly logRetention: RetentionDays;
  readonly retainLogs: boolean;
  readonly environment: Record<string, string>;
  readonly sending: Sending;
  /** The consumer's maximum concurrency (context `deliveryConcurrency`). */
  readonly concurrency?: number | undefined;
}

export class DeliveryQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly handler: HandlerFunction;
  readonly eventSource: SqsEventSource;

  constructor(scope: Construct, id: string, props: DeliveryQueueProps) {
    super(scope, id);
    const removalPolicy = props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `practice-messaging-${props.stage}-deliveries-dlq`,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: DELIVERY_DEAD_LETTER_RETENTION,
      removalPolicy,
    });
    const endOfTheLine =
      'This is the delivery queue\'s dead-letter queue: it holds delivery ids (no PHI) of messages received too often, is alarmed on its first visible message and is moved back to the delivery queue by the operator (npm run redrive). A redrive queue of its own would have nothing to catch.';
    Validations.of(this.deadLetterQueue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: endOfTheLine },
      { id: 'Serverless-SQSRedrivePolicy', reason: endOfTheLine },
    );
    this.queue = new Queue(this, 'Queue', {
      queueName: `practice-messaging-${props.stage}-deliveries`,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      // Six times the consumer's timeout (AWS's advice for an event source); delays set their own.
      visibilityTimeout: Duration.seconds(DELIVERY_CONSUMER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DELIVERY_MAX_RECEIVES },
      removalPolicy,
    });

    const concurrency = props.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY;
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: DELIVERY_CONSUMER_ENTRY,
      description: 'Delivery queue consumer: sends each queued delivery',
      stage: props.stage,
      logKey: props.key,
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
      memorySize: 1024,
      timeout: DELIVERY_CONSUMER_TIMEOUT,
      environment: { ...props.environment, ...sendingEnvironment(props.sending), DELIVERY_QUEUE_URL: this.queue.queueUrl },
      noDeadLetterQueueReason:
        'Invoked synchronously by the SQS event source mapping: a message that fails is received again, and one received too often goes to the delivery queue\'s own dead-letter queue (alarmed); a function-level DLQ only applies to asynchronous invocations.',
      unreservedConcurrencyReason: `The SQS event source's maximum concurrency (${concurrency}, context deliveryConcurrency) bounds this function's invocations without the throttles a reservation would cause.`,
      noVpcReason: sendingNoVpcReason(props.sending),
    });
    grantTableAccess(this.handler, props.table, props.key);
    grantSending(this.handler, props.sending);

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: DELIVERY_BATCH_SIZE,
      maxConcurrency: concurrency,
      reportBatchItemFailures: true,
    });
    this.handler.function.addEventSource(this.eventSource);
    const mapping = this.handler.function.node.children.find((c) => c.node.id.startsWith('SqsEventSource'));
    if (mapping) {
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'An SQS event source mapping takes no on-failure destination (Lambda supports one only for stream and Kafka sources): its failed messages go to the source queue\'s redrive dead-letter queue, configured on the delivery queue (maxReceiveCount, alarmed, npm run redrive).',
      });
    }
  }

  /**
   * A producer may send to the queue and nothing else. The grant is made on a key-less reference:
   * handed the queue itself it would add kms:ReEncrypt* and kms:GenerateDataKey* (wildcard
   * actions); the producer's DataKey statement (table access) already covers the key.
   */
  grantEnqueue(producer: HandlerFunction): void {
    Queue.fromQueueAttributes(producer, 'DeliveryQueueTarget', { queueArn: this.queue.queueArn, queueUrl: this.queue.queueUrl }).grantSendMessages(producer.function);
    producer.function.addEnvironment('DELIVERY_QUEUE_URL', this.queue.queueUrl);
  }

  get function() {
    return this.handler.function;
  }
}
