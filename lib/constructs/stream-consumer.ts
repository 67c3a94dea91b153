import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type ITable, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConsumer } from '../stream-consumers.js';
import { HandlerFunction } from './handler-function.js';
import { grantTableAccess } from './table-access.js';

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

export interface EmailSending {
  /** The configured sender (`sesFromAddress`): its address and domain identities are the only ones allowed. */
  readonly fromAddress: string;
  readonly configurationSet: IConfigurationSet;
}

export interface SmsSending {
  /** Origination number (E.164), or '' for the account default. */
  readonly originationNumber: string;
}

export interface WhatsAppSending {
  /** The one secret holding the WhatsApp Cloud API access token. */
  readonly tokenSecret: ISecret;
  /** WhatsApp Business phone number id, or '' while WhatsApp is not set up. */
  readonly phoneNumberId: string;
}

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

    const environment: Record<string, string> = { ...props.environment };
    if (email) environment.SES_CONFIGURATION_SET = email.configurationSet.configurationSetName;
    if (sms) environment.SMS_ORIGINATION_NUMBER = sms.originationNumber;
    if (whatsapp) {
      environment.WHATSAPP_TOKEN_SECRET_ID = whatsapp.tokenSecret.secretArn;
      environment.WHATSAPP_PHONE_NUMBER_ID = whatsapp.phoneNumberId;
    }

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
      ...(sends.size > 0
        ? {
            noVpcReason: `Besides AWS public endpoints (DynamoDB, KMS, X-Ray, CloudWatch Logs${email ? ', SES' : ''}${sms ? ', SNS' : ''}${whatsapp ? ', Secrets Manager' : ''}) reached over TLS with SigV4/IAM auth${whatsapp ? ', it calls the WhatsApp Cloud API (graph.facebook.com) on the internet over TLS' : ''}; it reaches no private network resource, so a VPC would only add a NAT gateway for that same egress, cost and cold-start latency.`,
          }
        : {}),
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

    if (email) this.grantEmail(email);
    if (sms) this.grantSms();
    if (whatsapp) {
      this.handler.addToPolicy(
        new PolicyStatement({
          sid: 'ReadWhatsAppToken',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [whatsapp.tokenSecret.secretArn],
        }),
      );
    }
  }

  get function() {
    return this.handler.function;
  }

  /**
   * ses:SendEmail only as the configured sender: on its identity (the address, or its domain
   * when the domain is what the operator verified) and the stage's configuration set, and only
   * with that From address.
   */
  private grantEmail(email: EmailSending): void {
    const stack = Stack.of(this);
    const domain = email.fromAddress.slice(email.fromAddress.lastIndexOf('@') + 1);
    const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    this.handler.addToPolicy(
      new PolicyStatement({
        sid: 'SendEmailAsConfiguredSender',
        actions: ['ses:SendEmail'],
        resources: [
          identity(email.fromAddress),
          identity(domain),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: email.configurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': email.fromAddress } },
      }),
    );
  }

  /**
   * SMS through SNS Publish to a phone number. Such a publish names no resource, so the Allow
   * must be on "*"; a Deny on every SNS ARN (topics and platform endpoints) takes the rest back,
   * leaving direct-to-phone publishes only.
   */
  private grantSms(): void {
    const { partition } = Stack.of(this);
    this.handler.addToPolicy(
      new PolicyStatement({
        sid: 'PublishSmsToPhoneNumbers',
        actions: ['sns:Publish', 'sns:CheckIfPhoneNumberIsOptedOut'],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'NoPublishToTopicsOrEndpoints',
        effect: Effect.DENY,
        actions: ['sns:Publish'],
        resources: [`arn:${partition}:sns:*:*:*`],
      }),
    );
    this.handler.acknowledgeWildcardResource(
      'SMS goes out through SNS Publish with a PhoneNumber, which has no resource ARN to scope to, and CheckIfPhoneNumberIsOptedOut supports no resource-level permissions, so both need "*"; an explicit Deny of sns:Publish on every SNS ARN (arn:<partition>:sns:*:*:*) in the same policy removes publishing to any topic or platform endpoint.',
    );
  }
}

function required<T>(consumer: StreamConsumer, channel: string, settings: T | undefined): T {
  if (settings === undefined) {
    throw new Error(`Stream consumer "${consumer.name}" sends ${channel}, but the stack gave it no ${channel} settings`);
  }
  return settings;
}
