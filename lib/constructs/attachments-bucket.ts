import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnMalwareProtectionPlan } from 'aws-cdk-lib/aws-guardduty';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogsBucket } from './access-logs-bucket.js';
import { acknowledgeWildcardResource } from './nag-acknowledgements.js';

/** Every attachment object lives under this prefix (`files/<practiceId>/<attachmentId>`). */
export const FILES_PREFIX = 'files/';
/** Presigned uploads are tagged `upload=pending` until `complete` keeps them (`upload=complete`). */
export const PENDING_UPLOAD_TAG = { key: 'upload', value: 'pending' } as const;

export interface AttachmentsBucketProps {
  readonly encryptionKey: IKey;
  /** Days the server access logs are kept: the stage's log retention, like every log group. */
  readonly accessLogRetentionDays: number;
  /** Origins of the web apps that upload from the browser (presigned POST) and download; no CORS when empty. */
  readonly corsOrigins?: readonly string[];
  /** GuardDuty Malware Protection for S3 scans every new object under `files/` (tags the verdict). */
  readonly malwareProtection?: boolean;
}

/**
 * Message attachments (PHI): SSE-KMS with the customer-managed key (bucket key on), public
 * access blocked, TLS enforced, versioned, server access logs to a separate bucket. Uploads
 * never completed (still tagged `upload=pending`) expire after a day; incomplete multipart
 * uploads are aborted; replaced or deleted versions are kept 30 days. CORS lets the configured
 * origins POST the presigned form and GET a download. With `malwareProtection`, a GuardDuty
 * Malware Protection plan scans each new object and tags its verdict
 * (`GuardDutyMalwareScanStatus`), which `complete` reads.
 */
export class AttachmentsBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: AttachmentsBucketProps) {
    super(scope, id);
    const corsOrigins = props.corsOrigins ?? [];

    this.accessLogsBucket = accessLogsBucket(this, 'AccessLogs', { retentionDays: props.accessLogRetentionDays, logsOf: 'attachment contents' });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'attachments/',
      removalPolicy: RemovalPolicy.RETAIN,
      ...(corsOrigins.length > 0
        ? {
            cors: [
              {
                allowedOrigins: [...corsOrigins],
                allowedMethods: [HttpMethods.POST, HttpMethods.GET],
                allowedHeaders: ['*'],
                exposedHeaders: ['ETag'],
                maxAge: 3000,
              },
            ],
          }
        : {}),
      lifecycleRules: [
        {
          id: 'expire-never-completed-uploads',
          prefix: FILES_PREFIX,
          tagFilters: { [PENDING_UPLOAD_TAG.key]: PENDING_UPLOAD_TAG.value },
          expiration: Duration.days(1),
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(30),
          expiredObjectDeleteMarker: true,
        },
      ],
    });

    if (props.malwareProtection) this.protectFromMalware(props.encryptionKey);

    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason: 'Attachments are versioned (30-day noncurrent retention) and SSE-KMS encrypted in-region; cross-region replication needs a second region and key, a disaster-recovery decision left to the operator.',
    });
  }

  /**
   * GuardDuty Malware Protection for S3 on `files/`: the service role GuardDuty assumes may read
   * and tag the objects (and decrypt them with the data key), manage its own EventBridge rule
   * and the bucket's notification, and write its validation object.
   */
  private protectFromMalware(key: IKey): void {
    const { account, region, partition } = Stack.of(this);
    const role = new Role(this, 'MalwareProtectionRole', {
      assumedBy: new ServicePrincipal('malware-protection-plan.guardduty.amazonaws.com'),
      description: 'GuardDuty Malware Protection for S3: scans and tags new attachment objects',
    });
    const objects = this.bucket.arnForObjects(`${FILES_PREFIX}*`);
    const rules = `arn:${partition}:events:${region}:${account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*`;
    // A managed policy (no inline policy on the role), like every function's.
    const policy = new ManagedPolicy(this, 'MalwareProtectionPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({
          sid: 'ScanAndTagObjects',
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
          resources: [objects],
        }),
        new PolicyStatement({
          sid: 'ValidationObject',
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects('malware-protection-resource-validation-object')],
        }),
        new PolicyStatement({
          sid: 'BucketNotification',
          actions: ['s3:GetBucketNotification', 's3:PutBucketNotification', 's3:GetBucketLocation', 's3:ListBucket'],
          resources: [this.bucket.bucketArn],
        }),
        new PolicyStatement({
          sid: 'ManagedRule',
          actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets', 'events:DescribeRule', 'events:ListTargetsByRule'],
          resources: [rules],
          conditions: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
        }),
        new PolicyStatement({ sid: 'DecryptObjects', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }),
      ],
    });
    acknowledgeWildcardResource(policy, objects, 'GuardDuty scans and tags every new object under files/, whose keys are generated per upload; read and tag actions only.');
    acknowledgeWildcardResource(
      policy,
      rules,
      'GuardDuty manages its own EventBridge rule, named by GuardDuty under the DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3 prefix, and only when the rule is managed by the malware protection plan (events:ManagedBy condition).',
    );
    const plan = new CfnMalwareProtectionPlan(this, 'MalwareProtectionPlan', {
      role: role.roleArn,
      protectedResource: { s3Bucket: { bucketName: this.bucket.bucketName, objectPrefixes: [FILES_PREFIX] } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    plan.node.addDependency(policy);
  }
}
