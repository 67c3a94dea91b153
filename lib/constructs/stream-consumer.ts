import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ITable, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConsumer } from '../stream-consumers.js';
import { HandlerFunction } from './handler-function.js';
import { type EmailSending, grantSending, sendingEnvironment, sendingNoVpcReason, type SmsSending, type WhatsAppSending } from './provider-grants.js';
import { grantTableAccess } from './table-access.js';
import type { DeliveryQueue } from './delivery-queue.js';

/** Event source settings shared by every consumer (the batch size and filters come from the entry). */
export const STREAM_RETRY_ATTEMPTS = 5;
export const STREAM_MAX_RECORD_AGE = Duration.hours(6);
/**
 * Two concurrent batches per shard. Lambda keeps records of one partition key (one item) in
 * order at any factor, and both consumers are safe to run twice (conditional updates), so the
 * only effect is that one slow batch (a provider timing out) no longer holds back every other
 * delivery on its shard. Kept at 2, not 10, so the send rate stays well inside SES and SNS
 * quotas on a small account.
 */
export const STREAM_PARALLELIZATION_FACTOR = 2;
export const DEAD_LETTER_RETENTION = Duration.days(14);

export type { EmailSending, SmsSending, WhatsAppSending } from './provider-grants.js';

export interface StreamConsumerFunctionProps {
  readonly consumer: StreamConsumer;
  readonly stage: string;
  /** The customer-managed key: table, dead-letter queue and secret are encrypted with it. */
  readonly key: IKey;
  readonly table: ITable;
  /** ARN of the table's stream (the table lives in the stateful stack). */
  readonly tableStreamArn: string;
  readonly logRetention: RetentionDays;
  readonly retainLogs: boolean;
  /** Settings of every consumer (table name, provider mode, ...). */
  readonly environment: Record<string, string>;
  /** Required when the consumer `sends` that channel; ignored otherwise. */
  readonly email?: EmailSending;
  readonly sms?: SmsSending;
  readonly whatsapp?: WhatsAppSending;
  /** Required when the consumer `enqueuesDeliveries`: it may send to this queue. */
  readonly deliveryQueue?: DeliveryQueue;
}

/**
 * One consumer of the table's stream (an entry of lib/stream-consumers.ts): a function on a
 * DynamoDB event source with the entry's filter patterns as Lambda filter criteria, partial batch
 * responses, bisect on error, bounded retries and record age, and an SQS dead-letter queue
 * (KMS, TLS only, 14 days) for batches that exhaust them. Its role may use the table's items
 * (no Scan), read the stream, use the key and, for each channel the entry `sends`, exactly that
 * channel's provider action.
 */
export class StreamConsumerFunction extends Construct {
  readonly consumer: StreamConsumer;
  readonly handler: HandlerFunction;
  readonly deadLetterQueue: Queue;
  readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerFunctionProps) {
    super(scope, id);
    const { consumer } = props;
    this.consumer = consumer;
    const sends = new Set(consumer.sends ?? []);
    const email = sends.has('email') ? required(consumer, 'email', props.email) : undefined;
    const sms = sends.has('sms') ? required(consumer, 'sms', props.sms) : undefined;
    const whatsapp = sends.has('whatsapp') ? required(consumer, 'whatsapp', props.whatsapp) : undefined;

    const sending = { email, sms, whatsapp };
    const environment: Record<string, string> = { ...props.environment, ...sendingEnvironment(sending) };

    const redelivery =
      'Invoked synchronously by the DynamoDB stream event source mapping, which retries failed records and sends batches that exhaust their retries to its own SQS on-failure destination (this consumer\'s dead-letter queue, alarmed); a function-level DLQ only applies to asynchronous invocations.';
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: consumer.entry,
      description: `Table stream consumer "${consumer.name}"`,
      stage: props.stage,
      logKey: props.key,
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment,
      noDeadLetterQueueReason: redelivery,
      unreservedConcurrencyReason: `A stream consumer runs at most one invocation per stream shard times the parallelization factor (${STREAM_PARALLELIZATION_FACTOR}), so its concurrency is already bounded by the table's stream; a reservation below that would only throttle the event source and delay records.`,
      ...(sends.size > 0 ? { noVpcReason: sendingNoVpcReason(sending) } : {}),
    });

    grantTableAccess(this.handler, props.table, props.key);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const endOfTheLine =
      'This queue is the on-failure destination of a stream event source mapping: it receives the shard and sequence-number ranges of batches that exhausted their retries, is alarmed on its first visible message and is drained by the operator. It is the end of the line, so a redrive queue of its own would have nothing to catch.';
    Validations.of(this.deadLetterQueue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: endOfTheLine },
      { id: 'Serverless-SQSRedrivePolicy', reason: endOfTheLine },
    );

    // The stream, seen through a TableV2 reference: its stream grant scopes dynamodb:ListStreams
    // to the stream ARN (the Table construct grants it on "*"). No key is given to the reference:
    // the DataKey statement above already covers decryption.
    const streamSource = TableV2.fromTableAttributes(this, 'TableStream', {
      tableArn: props.table.tableArn,
      tableStreamArn: props.tableStreamArn,
    });
    // SqsDlq grants sqs:SendMessage on the queue; handed the queue itself it would also grant
    // kms:ReEncrypt* and kms:GenerateDataKey* (wildcard actions) on the key. A key-less reference
    // keeps the grant to the queue; the DataKey statement covers encrypting the message.
    const deadLetterTarget = Queue.fromQueueAttributes(this, 'DeadLetterTarget', {
      queueArn: this.deadLetterQueue.queueArn,
    });

    this.eventSource = new DynamoEventSource(streamSource, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: consumer.batchSize,
      filters: consumer.filters.map((pattern) => FilterCriteria.filter(pattern as Record<string, unknown>)),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: STREAM_RETRY_ATTEMPTS,
      maxRecordAge: STREAM_MAX_RECORD_AGE,
      parallelizationFactor: STREAM_PARALLELIZATION_FACTOR,
      onFailure: new SqsDlq(deadLetterTarget),
    });
    this.handler.function.addEventSource(this.eventSource);

    grantSending(this.handler, sending);
    if (consumer.enqueuesDeliveries) required(consumer, 'to the delivery queue', props.deliveryQueue).grantEnqueue(this.handler);
  }

  get function() {
    return this.handler.function;
  }
}

function required<T>(consumer: StreamConsumer, channel: string, settings: T | undefined): T {
  if (settings === undefined) {
    throw new Error(`Stream consumer "${consumer.name}" sends ${channel}, but the stack gave it no ${channel} settings`);
  }
  return settings;
}
