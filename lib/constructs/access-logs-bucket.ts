/**
 * The target bucket of a bucket's S3 server access logs: SSE-S3 (the only encryption S3 log
 * delivery accepts), public access blocked, TLS-only, versioned, kept on delete, the logs expiring
 * after the stage's log retention. cdk-nag's HIPAA pack is told, with the reasons, why it is not
 * KMS-encrypted and not replicated.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export function accessLogsBucket(scope: Construct, id: string, props: { retentionDays: number; logsOf: string }): Bucket {
  const bucket = new Bucket(scope, id, {
    // S3 server access logging can only deliver to a target bucket encrypted with SSE-S3.
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      { id: 'expire-access-logs', expiration: Duration.days(props.retentionDays), noncurrentVersionExpiration: Duration.days(30) },
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  });
  // No access logging of its own: cdk-nag accepts a bucket that is another bucket's log target.
  Validations.of(bucket).acknowledge(
    {
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason: `S3 server access logging only delivers to buckets encrypted with SSE-S3 (AES-256); SSE-KMS targets are not supported. The logs hold request metadata, not ${props.logsOf}.`,
    },
    {
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason: "Access logs are versioned and retained in-region for the stage's log retention; cross-region replication is a disaster-recovery decision left to the operator (no second region is provisioned by this app).",
    },
  );
  return bucket;
}
