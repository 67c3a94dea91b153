/**
 * The inbound side on AWS: what providers call and publish to, and what the webhook function
 * reads.
 *
 * - Secrets (values set by DevOps, docs/webhooks.md): the Twilio auth token (bare string) and the
 *   WhatsApp webhook secret (JSON `appSecret`, `verifyToken`; the verify token is generated).
 * - SNS topics, KMS-encrypted with this construct's key, TLS-only, `SignatureVersion` 2: SES
 *   inbound mail and SES events (the configuration set's Delivery/Bounce/Complaint), both
 *   subscribed over HTTPS by `POST /webhooks/ses` (the function accepts only these topics), and
 *   End User Messaging two-way SMS, subscribed by the `sms-inbound` function.
 * - The inbound mail bucket (SSE-KMS, TLS-only, versioned, access-logged) the SES receipt rule's
 *   S3 action writes to; the rule set itself only with context `sesReceivingRecipients` (SES
 *   receiving exists in some regions only, and an account has one active rule set: activating
 *   it is a DevOps step, docs/webhooks.md).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { EmailSendingEvent, EventDestination, ReceiptRuleSet, TlsPolicy, type ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeWildcardResource } from './nag-acknowledgements.js';
import { accessLogsBucket } from './access-logs-bucket.js';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';

export const SMS_INBOUND_ENTRY = 'lambdas/handlers/sns/sms-inbound.ts';
export const INBOUND_MAIL_PREFIX = 'inbound/';

export interface WebhookInboundProps {
  readonly stage: string;
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
  readonly retainLogs: boolean;
  readonly accessLogRetentionDays: number;
  /** The function serving the webhook routes (lambdas/handlers/http/webhooks.ts). */
  readonly webhooks: HandlerFunction;
  /** Base URL of the HTTP API (ends with `/`). */
  readonly apiUrl: string;
  readonly configurationSet: ConfigurationSet;
  /** The WhatsApp Cloud API access token (media downloads). */
  readonly whatsappTokenSecret: ISecret;
  /** Environment and grants the sms-inbound function needs beside these (table access). */
  readonly environment: Record<string, string>;
  readonly grantData: (fn: HandlerFunction) => void;
  readonly reservedConcurrency?: number;
}

export class WebhookInbound extends Construct {
  readonly key: Key;
  readonly twilioSecret: Secret;
  readonly whatsappWebhookSecret: Secret;
  readonly sesInboundTopic: Topic;
  readonly sesEventsTopic: Topic;
  readonly smsInboundTopic: Topic;
  readonly inboundBucket: Bucket;
  readonly smsInbound: HandlerFunction;
  readonly receiptRuleSet?: ReceiptRuleSet;
  /** SNS notifications that could not be delivered to the webhook or the SMS subscriber. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: WebhookInboundProps) {
    super(scope, id);
    const { account } = Stack.of(this);

    this.key = new Key(this, 'Key', {
      description: `Inbound topics, mail and webhook secrets (${props.stage})`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // SES (mail to S3, events and mail notifications to SNS) and End User Messaging publish with this key.
    for (const service of ['ses.amazonaws.com', 'sms-voice.amazonaws.com', 'sns.amazonaws.com']) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: `Publish${service.split('.')[0]!.replace('-', '')}`,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
    }

    this.twilioSecret = new Secret(this, 'TwilioAuthToken', {
      description: `Twilio auth token for X-Twilio-Signature (${props.stage}); set with put-secret-value`,
      encryptionKey: this.key,
    });
    this.whatsappWebhookSecret = new Secret(this, 'WhatsAppWebhookSecret', {
      description: `WhatsApp webhook: JSON appSecret (set by DevOps) and verifyToken (generated) (${props.stage})`,
      encryptionKey: this.key,
      generateSecretString: { secretStringTemplate: JSON.stringify({ appSecret: 'SET-ME' }), generateStringKey: 'verifyToken', excludePunctuation: true, passwordLength: 40 },
    });
    for (const secret of [this.twilioSecret, this.whatsappWebhookSecret]) {
      Validations.of(secret).acknowledge(
        { id: 'AwsSolutions-SMG4', reason: 'Issued by the provider (Twilio auth token, Meta app secret): rotated in the provider console and then put here; there is no rotation Lambda to write.' },
        { id: 'HIPAA.Security-SecretsManagerRotationEnabled', reason: 'Provider-issued credentials, rotated at the provider (docs/webhooks.md).' },
      );
    }

    // Notifications SNS could not deliver (the API down for longer than SNS retries, the function failing to start).
    this.deadLetters = new Queue(this, 'UndeliveredNotifications', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the inbound SNS subscriptions.' },
      { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue of the inbound SNS subscriptions: nothing consumes it to fail again.' },
    );
    const deadLetterQueue = this.deadLetters;

    const topic = (name: string, description: string) =>
      new Topic(this, name, { displayName: `${description} (${props.stage})`, masterKey: this.key, enforceSSL: true, signatureVersion: '2' });
    this.sesInboundTopic = topic('SesInbound', 'SES inbound mail');
    this.sesEventsTopic = topic('SesEvents', 'SES delivery events');
    this.smsInboundTopic = topic('SmsInbound', 'End User Messaging two-way SMS');
    for (const t of [this.sesInboundTopic, this.sesEventsTopic]) {
      t.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('ses.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [t.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
      t.addSubscription(new UrlSubscription(`${props.apiUrl}webhooks/ses`, { protocol: SubscriptionProtocol.HTTPS, deadLetterQueue }));
    }
    this.smsInboundTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.smsInboundTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    props.configurationSet.addEventDestination('ReceiptsToSns', {
      destination: EventDestination.snsTopic(this.sesEventsTopic),
      events: [EmailSendingEvent.DELIVERY, EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    const accessLogs = accessLogsBucket(this, 'InboundMailAccessLogs', { retentionDays: props.accessLogRetentionDays, logsOf: 'mail' });
    this.inboundBucket = new Bucket(this, 'InboundMail', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'inbound-mail/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // The raw MIME is read once by the webhook (the message and its files are stored in the table and the attachments bucket).
        { id: 'expire-raw-mail', prefix: INBOUND_MAIL_PREFIX, expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) },
      ],
    });
    this.inboundBucket.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.inboundBucket.arnForObjects(`${INBOUND_MAIL_PREFIX}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    Validations.of(this.inboundBucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason: 'Raw inbound mail is transient (read once, expires after 30 days); cross-region replication is the operator\'s disaster-recovery decision.',
    });

    const recipients = String(this.node.tryGetContext('sesReceivingRecipients') ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    if (recipients.length > 0) {
      this.receiptRuleSet = new ReceiptRuleSet(this, 'ReceiptRuleSet', {
        receiptRuleSetName: `practice-messaging-${props.stage}`,
        rules: [
          {
            recipients,
            scanEnabled: true,
            tlsPolicy: TlsPolicy.REQUIRE,
            actions: [new S3Action({ bucket: this.inboundBucket, objectKeyPrefix: INBOUND_MAIL_PREFIX, topic: this.sesInboundTopic })],
          },
        ],
      });
    }

    // The webhook function: its secrets, the raw mail, the topics it accepts.
    const webhooks = props.webhooks;
    this.twilioSecret.grantRead(webhooks.function);
    this.whatsappWebhookSecret.grantRead(webhooks.function);
    // The stateful stack's secret (encrypted with the data key the function can already use): a policy statement, not grantRead, which would edit the other stack's key policy.
    webhooks.addToPolicy(new PolicyStatement({ sid: 'WhatsAppAccessToken', actions: ['secretsmanager:GetSecretValue'], resources: [props.whatsappTokenSecret.secretArn] }));
    const rawMail = this.inboundBucket.arnForObjects(`${INBOUND_MAIL_PREFIX}*`);
    webhooks.addToPolicy(new PolicyStatement({ sid: 'InboundMailRead', actions: ['s3:GetObject'], resources: [rawMail] }));
    this.key.grantDecrypt(webhooks.function);
    acknowledgeWildcardResource(
      webhooks.role,
      rawMail,
      'SES writes each inbound email under inbound/ with a key it generates (named in the SNS notification), so the read must cover the prefix; GetObject only.',
    );
    const environment = {
      TWILIO_AUTH_TOKEN_SECRET_ID: this.twilioSecret.secretArn,
      WHATSAPP_WEBHOOK_SECRET_ID: this.whatsappWebhookSecret.secretArn,
      WHATSAPP_TOKEN_SECRET_ID: props.whatsappTokenSecret.secretArn,
      SNS_TOPIC_ARNS: [this.sesInboundTopic.topicArn, this.sesEventsTopic.topicArn].join(','),
      INBOUND_EMAIL_BUCKET: this.inboundBucket.bucketName,
    };
    for (const [k, v] of Object.entries(environment)) webhooks.function.addEnvironment(k, v);

    this.smsInbound = new HandlerFunction(this, 'SmsInboundHandler', {
      entry: SMS_INBOUND_ENTRY,
      description: 'End User Messaging two-way SMS (SNS subscription)',
      stage: props.stage,
      logKey: props.logKey,
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
      memorySize: 1024,
      timeout: Duration.seconds(30),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrency: props.reservedConcurrency } : {}),
      noDeadLetterQueueReason:
        'SNS invokes it asynchronously and Lambda retries a failed invocation twice; a message is stored once per inboundMessageId, so a retry is safe. A dead-letter queue of inbound SMS (PHI) is left for a later change (docs/webhooks.md).',
      environment: { ...props.environment, ...environment },
    });
    props.grantData(this.smsInbound);
    this.smsInboundTopic.addSubscription(new LambdaSubscription(this.smsInbound.function as IFunction, { deadLetterQueue }));
  }
}
