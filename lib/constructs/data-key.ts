import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface DataKeyProps {
  readonly stage: string;
}

/**
 * The customer-managed key that encrypts everything the service stores: the table, the
 * attachments bucket, every log group and the alarm topic. Retained when the stack is
 * deleted (data encrypted with it may outlive the stack, e.g. in backups).
 *
 * Besides the account-root statement (which lets IAM policies grant use of the key), the key
 * policy lets two AWS services use it for this account only:
 * - CloudWatch Logs, for log groups of this account and region (encryption context bound);
 * - CloudWatch, so alarms can publish to the KMS-encrypted alarm topic.
 */
export class DataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);

    this.key = new Key(this, 'Key', {
      description: `practice-messaging ${props.stage}: table, attachments, logs and alarm topic`,
      alias: `alias/practice-messaging-${props.stage}`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*`,
          },
        },
      }),
    );

    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
        },
      }),
    );
  }
}
