import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { AttachmentsBucket } from '../constructs/attachments-bucket.js';
import { DataKey } from '../constructs/data-key.js';
import { MessagingTable } from '../constructs/messaging-table.js';
import { PracticeUserPool } from '../constructs/practice-user-pool.js';
import type { StageConfig } from './config.js';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * Everything that holds data and must survive a redeploy or a deleted service stack: the
 * customer-managed key, the table, the attachments bucket (and its access-log bucket), the
 * user pool and the WhatsApp Cloud API token secret. All of them are retained when the stack
 * is deleted.
 */
export class StatefulStack extends Stack {
  readonly key: Key;
  readonly table: Table;
  readonly attachmentsBucket: Bucket;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly preTokenFunction: IFunction;
  /** The WhatsApp Cloud API access token: its value is set by the operator, never by the stack. */
  readonly whatsappTokenSecret: Secret;
  /** The secret list cursors are sealed with (AES-256-GCM key derived from it): generated here, read by the HTTP functions. */
  readonly cursorSecret: Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.key = new DataKey(this, 'DataKey', { stage: config.stage }).key;

    this.table = new MessagingTable(this, 'Messaging', { encryptionKey: this.key }).table;
    Validations.of(this.table).acknowledge({
      id: 'HIPAA.Security-DynamoDBInBackupPlan',
      reason: 'The table has point-in-time recovery (continuous backups, restore to any second of the last 35 days), deletion protection and a RETAIN policy; longer-term AWS Backup plans are set centrally by the operator (AWS Organizations backup policies) rather than per application.',
    });

    this.attachmentsBucket = new AttachmentsBucket(this, 'Attachments', {
      encryptionKey: this.key,
      accessLogRetentionDays: config.logRetention,
      // Browser uploads (presigned POST) and downloads come from the same web apps as API calls.
      corsOrigins: config.corsOrigins,
      malwareProtection: config.malwareProtection,
    }).bucket;

    const users = new PracticeUserPool(this, 'Users', {
      stage: config.stage,
      production: config.isProduction,
      mfa: config.mfa,
      adminPasswordAuth: config.adminPasswordAuth,
      logKey: this.key,
      logRetention: config.logRetention,
      retainLogs: config.isProduction,
      callbackUrls: config.authCallbackUrls,
      logoutUrls: config.authLogoutUrls,
      domainPrefix: config.authDomainPrefix,
    });
    this.userPool = users.userPool;
    this.userPoolClient = users.client;
    this.preTokenFunction = users.preTokenFunction.function;

    // Created with a random placeholder; the operator stores the token issued by Meta with
    // `aws secretsmanager put-secret-value` (docs/deploy.md). A redeploy never overwrites it.
    this.whatsappTokenSecret = new Secret(this, 'WhatsAppToken', {
      description: `practice-messaging ${config.stage}: WhatsApp Cloud API access token (system user token issued by Meta; set by the operator)`,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const issuedByMeta =
      'The value is a WhatsApp Cloud API system-user access token issued and rotated in Meta Business Manager, not by AWS: a Secrets Manager rotation function cannot mint a new one. The operator stores each new token with put-secret-value; the dispatcher re-reads the secret when its cached copy expires (every few minutes), so a new token takes effect without a deploy.';
    Validations.of(this.whatsappTokenSecret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason: issuedByMeta },
      { id: 'HIPAA.Security-SecretsManagerRotationEnabled', reason: issuedByMeta },
    );

    // Generated once at creation; the HTTP functions derive the cursor key from it.
    this.cursorSecret = new Secret(this, 'CursorKey', {
      description: `practice-messaging ${config.stage}: seals list cursors (the HTTP functions derive an AES-256-GCM key from it)`,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const cursorsExpire =
      'The value only seals list cursors, which expire 24 hours after they are handed out and hold no data of their own (they are encrypted positions in lists the caller may read anyway). Replacing it (put-secret-value with a new random value) makes outstanding cursors answer 400 invalid_cursor, so clients start their list again; there is no credential at another party to rotate, and a scheduled rotation would only break pagination in flight.';
    Validations.of(this.cursorSecret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason: cursorsExpire },
      { id: 'HIPAA.Security-SecretsManagerRotationEnabled', reason: cursorsExpire },
    );
  }
}
