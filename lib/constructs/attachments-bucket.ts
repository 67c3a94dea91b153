import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AttachmentsBucketProps {
  readonly encryptionKey: IKey;
  /** Prefix under which clients upload with presigned POSTs before a message references the object. */
  readonly uploadPrefix?: string;
  /** Days the server access logs are kept: the stage's log retention, like every log group. */
  readonly accessLogRetentionDays: number;
}

/**
 * Message attachments (PHI): SSE-KMS with the customer-managed key (bucket key on), public
 * access blocked, TLS enforced, versioned, server access logs to a separate bucket. Objects
 * under `uploads/` that were never attached to a message expire after a day; incomplete
 * multipart uploads are aborted; replaced or deleted versions are kept 30 days.
 */
export class AttachmentsBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: AttachmentsBucketProps) {
    super(scope, id);
    const uploadPrefix = props.uploadPrefix ?? 'uploads/';

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      // S3 server access logging can only deliver to a target bucket encrypted with SSE-S3.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays), noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    // No access logging of its own: cdk-nag accepts a bucket that is another bucket's log target.
    Validations.of(this.accessLogsBucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason: 'S3 server access logging only delivers to buckets encrypted with SSE-S3 (AES-256); SSE-KMS targets are not supported. The logs hold request metadata, not attachment contents.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason: 'Access logs are versioned and retained in-region for the stage\'s log retention; cross-region replication is a disaster-recovery decision left to the operator (no second region is provisioned by this app).',
      },
    );

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
      lifecycleRules: [
        {
          id: 'expire-unattached-uploads',
          prefix: uploadPrefix,
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

    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason: 'Attachments are versioned (30-day noncurrent retention) and SSE-KMS encrypted in-region; cross-region replication needs a second region and key, a disaster-recovery decision left to the operator.',
    });
  }
}
