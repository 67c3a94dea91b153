import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, ConfigurationSetTlsPolicy, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HandlerFunction } from '../constructs/handler-function.js';
import { MessagingApi } from '../constructs/messaging-api.js';
import { OperationalAlarms } from '../constructs/operational-alarms.js';
import { StreamConsumerFunction } from '../constructs/stream-consumer.js';
import { DeliverySweeper } from '../constructs/delivery-sweeper.js';
import { DeliveryQueue } from '../constructs/delivery-queue.js';
import { DeliveryDashboard } from '../constructs/delivery-dashboard.js';
import { ATTACHMENT_FUNCTIONS, grantAttachmentAccess, grantAttachmentRead, grantTableAccess, servesTenantData } from '../constructs/table-access.js';
import type { ApiRoute } from '../constructs/messaging-api.js';
import { functionEntries, routes as routeTable } from '../routes.js';
import { type StreamConsumer, streamConsumers as consumerTable } from '../stream-consumers.js';
import type { StageConfig } from './config.js';
import { WebhookInbound } from '../constructs/webhook-inbound.js';

/**
 * A function with a paged list (a route whose query takes `cursor`) seals cursors and reads the
 * cursor secret; one without (attachments, broadcasts, channels: lambdas/wiring/caller.ts
 * `unpagedHttpOptions`) gets neither the secret's id nor the right to read it. Route tables
 * given without schemas (tests) keep the old rule: every function serving a practice.
 */
function sealsCursors(fn: string, routes: readonly ApiRoute[]): boolean {
  const mine = routes.filter((r) => r.fn === fn && r.auth !== 'none');
  const withSchemas = mine.filter((r) => 'query' in r || 'success' in r);
  if (withSchemas.length === 0) return mine.length > 0;
  return withSchemas.some((r) => {
    const shape = (r as { query?: { shape?: Record<string, unknown> } }).query?.shape;
    return !!shape && 'cursor' in shape;
  });
}

export interface ServiceStackProps extends StackProps {
  readonly config: StageConfig;
  readonly key: IKey;
  readonly table: ITable;
  readonly attachmentsBucket: IBucket;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The Cognito trigger (stateful stack): alarmed here with the API functions. */
  readonly preTokenFunction?: IFunction;
  /** Route records and function entries; default to the records of lambdas/http/routes/ (tests may pass their own). */
  readonly routes?: readonly ApiRoute[];
  readonly functionEntries?: Readonly<Record<string, string>>;
  /** The WhatsApp Cloud API token (stateful stack): the only secret a consumer that sends WhatsApp may read. */
  readonly whatsappTokenSecret: ISecret;
  /** The secret list cursors are sealed with (stateful stack): read by every function serving a practice's data. */
  readonly cursorSecret?: ISecret;
  /** Consumers of the table's stream; default to lib/stream-consumers.ts (tests may pass their own). */
  readonly streamConsumers?: readonly StreamConsumer[];
  /** HTTP functions that may read and write attachment objects; default ATTACHMENT_FUNCTIONS (tests may pass their own). */
  readonly attachmentFunctions?: readonly string[];
}

/**
 * The stateless half: the HTTP API generated from the route records, one function per
 * function name of the records, one function per stream consumer of lib/stream-consumers.ts (the delivery dispatcher
 * among them) with its dead-letter queue, the SES configuration set, and the alarms. Can be
 * destroyed and redeployed without touching any data.
 */
export class ServiceStack extends Stack {
  readonly api: MessagingApi;
  readonly handlers = new Map<string, HandlerFunction>();
  readonly streamConsumers = new Map<string, StreamConsumerFunction>();
  readonly emailConfigurationSet: ConfigurationSet;
  readonly alarms: OperationalAlarms;
  /** Every minute: deliveries past their lease (docs/reliability.md). */
  readonly sweeper: DeliverySweeper;
  /** The delivery queue and its consumer (the one function that sends to providers). */
  readonly deliveryQueue: DeliveryQueue;
  readonly deliveryDashboard: DeliveryDashboard;
  /** Webhook secrets, inbound topics and the inbound mail bucket (present when the route table has the webhooks function). */
  readonly inbound?: WebhookInbound;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const routes = props.routes ?? routeTable;
    const entries = props.functionEntries ?? functionEntries;

    for (const [group, entry] of Object.entries(entries)) {
      const handler = new HandlerFunction(this, `${pascal(group)}Handler`, {
        entry,
        description: `HTTP function "${group}"`,
        stage: config.stage,
        logKey: props.key,
        logRetention: config.logRetention,
        retainLogs: config.isProduction,
        memorySize: 1024,
        timeout: Duration.seconds(15),
        reservedConcurrency: config.reservedConcurrency,
        noDeadLetterQueueReason: 'Invoked synchronously by API Gateway: a failure is returned to the caller as a 5xx (and alarmed); there is no asynchronous event to park in a dead-letter queue.',
        environment: {
          TABLE_NAME: props.table.tableName,
          ATTACHMENTS_BUCKET: props.attachmentsBucket.bucketName,
          SES_FROM_ADDRESS: config.sesFromAddress,
        },
      });
      // Least privilege: a function that serves only public routes (auth 'none': health, the
      // OpenAPI document) gets no table, key or bucket access at all.
      if (servesTenantData(group, routes)) {
        this.grantDataAccess(group, handler, props);
        if (props.cursorSecret && sealsCursors(group, routes)) this.grantCursorSecret(handler, props.cursorSecret);
      }
      this.handlers.set(group, handler);
    }

    // Outbound email: sending events and reputation metrics per stage, TLS to the receiving
    // server required, bounces and complaints added to the suppression list.
    this.emailConfigurationSet = new ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName: `practice-messaging-${config.stage}`,
      reputationMetrics: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    const tableStreamArn = props.table.tableStreamArn;
    if (tableStreamArn === undefined) {
      throw new Error('The table has no stream: the stream consumers (lib/stream-consumers.ts) need one');
    }
    const consumers = props.streamConsumers ?? consumerTable;
    const senderEnvironment = {
      TABLE_NAME: props.table.tableName,
      PROVIDER_MODE: 'aws',
      SES_FROM_ADDRESS: config.sesFromAddress,
      // The files an email or WhatsApp message carries are read from here.
      ATTACHMENTS_BUCKET: props.attachmentsBucket.bucketName,
    };
    const sending = {
      email: { fromAddress: config.sesFromAddress, configurationSet: this.emailConfigurationSet },
      sms: { originationNumber: config.smsOriginationNumber },
      whatsapp: { tokenSecret: props.whatsappTokenSecret, phoneNumberId: config.whatsappPhoneNumberId },
    };
    this.deliveryQueue = new DeliveryQueue(this, 'DeliveryQueue', {
      stage: config.stage,
      key: props.key,
      table: props.table,
      logRetention: config.logRetention,
      retainLogs: config.isProduction,
      environment: senderEnvironment,
      sending,
      concurrency: config.deliveryConcurrency,
    });
    grantAttachmentRead(this.deliveryQueue.handler, props.attachmentsBucket);
    for (const consumer of consumers) {
      const id = `${pascal(consumer.name)}StreamConsumer`;
      if (this.node.tryFindChild(id)) throw new Error(`Two stream consumers are named "${consumer.name}"`);
      this.streamConsumers.set(
        consumer.name,
        new StreamConsumerFunction(this, id, {
          consumer,
          stage: config.stage,
          key: props.key,
          table: props.table,
          tableStreamArn,
          logRetention: config.logRetention,
          retainLogs: config.isProduction,
          environment: senderEnvironment,
          ...sending,
          deliveryQueue: this.deliveryQueue,
        }),
      );
    }
    this.sweeper = new DeliverySweeper(this, 'DeliverySweeper', {
      stage: config.stage,
      key: props.key,
      table: props.table,
      logRetention: config.logRetention,
      retainLogs: config.isProduction,
      environment: senderEnvironment,
      deliveryQueue: this.deliveryQueue,
    });

    this.api = new MessagingApi(this, 'Api', {
      stage: config.stage,
      routes,
      handlers: new Map([...this.handlers].map(([group, handler]) => [group, handler.function])),
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      logKey: props.key,
      logRetention: config.logRetention,
      retainLogs: config.isProduction,
      throttleBurstLimit: config.throttleBurstLimit,
      throttleRateLimit: config.throttleRateLimit,
      corsOrigins: config.corsOrigins,
    });

    // Inbound: webhook secrets, the SES and End User Messaging topics, the inbound mail bucket (docs/webhooks.md).
    const webhooks = this.handlers.get('webhooks');
    if (webhooks) {
      this.inbound = new WebhookInbound(this, 'Inbound', {
        stage: config.stage,
        logKey: props.key,
        logRetention: config.logRetention,
        retainLogs: config.isProduction,
        accessLogRetentionDays: config.logRetention,
        webhooks,
        apiUrl: this.api.url,
        configurationSet: this.emailConfigurationSet,
        whatsappTokenSecret: props.whatsappTokenSecret,
        environment: { TABLE_NAME: props.table.tableName, ATTACHMENTS_BUCKET: props.attachmentsBucket.bucketName },
        // Table access only: an End User Messaging SMS carries no files (lambdas/adapters/webhooks/eum-payload.ts), so the
        // SMS-inbound function writes no attachment; the webhooks function's files/ grant is below.
        grantData: (fn) => grantTableAccess(fn, props.table, props.key),
        ...(config.reservedConcurrency !== undefined ? { reservedConcurrency: config.reservedConcurrency } : {}),
      });
      grantAttachmentAccess(webhooks, props.attachmentsBucket);
      new CfnOutput(this, 'SesInboundTopicArn', { value: this.inbound.sesInboundTopic.topicArn, description: 'SNS topic of SES inbound mail (receipt rule S3 action notification)' });
      new CfnOutput(this, 'SesEventsTopicArn', { value: this.inbound.sesEventsTopic.topicArn, description: 'SNS topic of SES delivery, bounce and complaint events' });
      new CfnOutput(this, 'SmsInboundTopicArn', { value: this.inbound.smsInboundTopic.topicArn, description: 'SNS topic to set as the two-way SMS destination of End User Messaging numbers' });
      new CfnOutput(this, 'InboundMailBucketName', { value: this.inbound.inboundBucket.bucketName, description: 'Bucket the SES receipt rule writes raw inbound mail to (prefix inbound/)' });
      new CfnOutput(this, 'TwilioAuthTokenSecretArn', { value: this.inbound.twilioSecret.secretArn, description: 'Secret to put the Twilio auth token in' });
      new CfnOutput(this, 'WhatsAppWebhookSecretArn', { value: this.inbound.whatsappWebhookSecret.secretArn, description: 'Secret holding the WhatsApp appSecret (put it) and verifyToken (generated; give it to Meta)' });
      new CfnOutput(this, 'TwilioWebhookUrl', { value: `${this.api.url}webhooks/sms/twilio`, description: 'Twilio messaging webhook and status callback URL' });
      new CfnOutput(this, 'WhatsAppWebhookUrl', { value: `${this.api.url}webhooks/whatsapp`, description: 'Meta WhatsApp callback URL' });
    }

    const watched = new Map<string, IFunction>(
      [...this.handlers].map(([group, handler]) => [`${pascal(group)}Handler`, handler.function]),
    );
    if (props.preTokenFunction) watched.set('PreTokenTrigger', props.preTokenFunction);
    const deadLetterQueues = new Map<string, IQueue>();
    const streamFunctions = new Map<string, IFunction>();
    for (const [name, consumer] of this.streamConsumers) {
      watched.set(`${pascal(name)}StreamConsumer`, consumer.function);
      streamFunctions.set(`${pascal(name)}StreamConsumer`, consumer.function);
      deadLetterQueues.set(`${pascal(name)}StreamConsumer`, consumer.deadLetterQueue);
    }
    watched.set('DeliverySweeper', this.sweeper.function);
    watched.set('DeliveryQueueConsumer', this.deliveryQueue.function);
    deadLetterQueues.set('DeliveryQueue', this.deliveryQueue.deadLetterQueue);
    if (this.inbound) {
      // Inbound SMS (End User Messaging) fails silently otherwise: its errors and throttles, and SNS notifications never delivered.
      watched.set('InboundSmsHandler', this.inbound.smsInbound.function);
      deadLetterQueues.set('InboundNotifications', this.inbound.deadLetters);
    }
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      stage: config.stage,
      topicKey: props.key,
      alarmEmail: config.alarmEmail,
      api: this.api.api,
      functions: watched,
      deadLetterQueues,
      streamConsumers: streamFunctions,
      deliveryPipeline: true,
    });
    this.deliveryDashboard = new DeliveryDashboard(this, 'DeliveryDashboard', {
      stage: config.stage,
      streamConsumers: streamFunctions,
      deadLetterQueues,
      deliveryQueue: this.deliveryQueue.queue,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API ($default stage)' });
    new CfnOutput(this, 'UserPoolId', { value: props.userPool.userPoolId, description: 'Cognito user pool id' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: props.userPoolClient.userPoolClientId,
      description: 'Cognito app client id (JWT audience)',
    });
    new CfnOutput(this, 'TableName', { value: props.table.tableName, description: 'DynamoDB table name' });
    new CfnOutput(this, 'AttachmentsBucketName', {
      value: props.attachmentsBucket.bucketName,
      description: 'S3 attachments bucket name',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn, description: 'SNS topic of the alarms' });
    new CfnOutput(this, 'EmailConfigurationSetName', {
      value: this.emailConfigurationSet.configurationSetName,
      description: 'SES configuration set of outbound email',
    });
    new CfnOutput(this, 'WhatsAppTokenSecretArn', {
      value: props.whatsappTokenSecret.secretArn,
      description: 'Secrets Manager secret to store the WhatsApp Cloud API access token in (put-secret-value)',
    });
    new CfnOutput(this, 'DeliveryQueueUrl', { value: this.deliveryQueue.queue.queueUrl, description: 'SQS delivery queue (delivery ids)' });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', {
      value: this.deliveryQueue.deadLetterQueue.queueUrl,
      description: 'Dead-letter queue of the delivery queue (delivery ids; npm run redrive)',
    });
    for (const [name, consumer] of this.streamConsumers) {
      new CfnOutput(this, `${pascal(name)}DeadLetterQueueUrl`, {
        value: consumer.deadLetterQueue.queueUrl,
        description: `Dead-letter queue of the "${name}" stream consumer`,
      });
    }
  }

  /** Lists seal their cursors with a key derived from this secret (read through Powertools Parameters, cached). */
  private grantCursorSecret(handler: HandlerFunction, secret: ISecret): void {
    handler.function.addEnvironment('CURSOR_SECRET_ID', secret.secretArn);
    handler.addToPolicy(new PolicyStatement({ sid: 'CursorSecret', actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
  }

  /** Table items, index queries and the key; attachment objects only for a function that handles attachments. */
  private grantDataAccess(group: string, handler: HandlerFunction, props: ServiceStackProps): void {
    grantTableAccess(handler, props.table, props.key);
    if ((props.attachmentFunctions ?? ATTACHMENT_FUNCTIONS).includes(group)) {
      grantAttachmentAccess(handler, props.attachmentsBucket);
      if (props.config.malwareProtection) handler.function.addEnvironment('MALWARE_SCAN', 'on');
    }
  }
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
