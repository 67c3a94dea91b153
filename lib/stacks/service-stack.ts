import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { HandlerFunction } from '../constructs/handler-function.js';
import { MessagingApi } from '../constructs/messaging-api.js';
import { acknowledgeWildcardResource } from '../constructs/nag-acknowledgements.js';
import { OperationalAlarms } from '../constructs/operational-alarms.js';
import { type HandlerGroup, handlerEntries, type Route, routes as routeTable } from '../routes.js';
import { globalIndexes } from '../table-definition.js';
import type { StageConfig } from './config.js';

export interface ServiceStackProps extends StackProps {
  readonly config: StageConfig;
  readonly key: IKey;
  readonly table: ITable;
  readonly attachmentsBucket: IBucket;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The Cognito trigger (stateful stack): alarmed here with the API functions. */
  readonly preTokenFunction?: IFunction;
  /** Route table and handler entries; default to lib/routes.ts (tests may pass their own). */
  readonly routes?: readonly Route[];
  readonly handlerEntries?: Readonly<Record<HandlerGroup, string>>;
}

/** DynamoDB actions of the request path. No Scan: every list is a Query (DESIGN.md). */
const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

/**
 * The stateless half: the HTTP API generated from lib/routes.ts, one function per handler
 * group, and the alarms. Can be destroyed and redeployed without touching any data.
 */
export class ServiceStack extends Stack {
  readonly api: MessagingApi;
  readonly handlers = new Map<HandlerGroup, HandlerFunction>();
  readonly alarms: OperationalAlarms;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const routes = props.routes ?? routeTable;
    const entries = props.handlerEntries ?? handlerEntries;

    for (const [group, entry] of Object.entries(entries) as [HandlerGroup, string][]) {
      const handler = new HandlerFunction(this, `${pascal(group)}Handler`, {
        entry,
        description: `HTTP handler group "${group}"`,
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
      this.grantDataAccess(handler, props);
      this.handlers.set(group, handler);
    }

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

    const watched = new Map<string, IFunction>(
      [...this.handlers].map(([group, handler]) => [`${pascal(group)}Handler`, handler.function]),
    );
    if (props.preTokenFunction) watched.set('PreTokenTrigger', props.preTokenFunction);
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      stage: config.stage,
      topicKey: props.key,
      alarmEmail: config.alarmEmail,
      api: this.api.api,
      functions: watched,
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
  }

  /** Least privilege: the request-path item actions on the table and its indexes, object read/write, and the key. */
  private grantDataAccess(handler: HandlerFunction, props: ServiceStackProps): void {
    const { table, attachmentsBucket: bucket, key } = props;
    const role = handler.role;
    handler.addToPolicy(
      new PolicyStatement({ sid: 'TableItems', actions: TABLE_ACTIONS, resources: [table.tableArn] }),
    );
    if (globalIndexes.length > 0) {
      handler.addToPolicy(
        new PolicyStatement({
          sid: 'TableIndexQueries',
          actions: ['dynamodb:Query'],
          resources: globalIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
        }),
      );
    }
    handler.addToPolicy(
      new PolicyStatement({
        sid: 'AttachmentObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    handler.addToPolicy(
      new PolicyStatement({
        sid: 'AttachmentBucketList',
        // Without ListBucket a missing object reads as 403 instead of 404.
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    handler.addToPolicy(
      new PolicyStatement({
        sid: 'DataKey',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [key.keyArn],
      }),
    );
    acknowledgeWildcardResource(
      role,
      bucket.arnForObjects('*'),
      'Attachments are objects of one dedicated bucket whose keys are generated per upload, so object permissions must cover the bucket\'s keys; the actions are limited to get, put, delete and abort-upload (no ACL, policy or configuration changes).',
    );
  }
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
