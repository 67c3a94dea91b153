import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { globalIndexes } from '../table-definition.js';
import type { HandlerFunction } from './handler-function.js';
import type { ApiRoute } from './messaging-api.js';
import { acknowledgeWildcardResource } from './nag-acknowledgements.js';

/**
 * HTTP functions (names of lambdas/http/routes/index.ts) that handle attachments and so may use
 * the attachments bucket. None does yet: the function that serves attachments adds its name here.
 */
export const ATTACHMENT_FUNCTIONS: readonly string[] = [];

/**
 * Whether a function serves any route that reads or writes a practice's data: false when every
 * route of the function is public (auth 'none': health, the OpenAPI document), which then gets
 * no table, key or bucket permission at all.
 */
export function servesTenantData(fn: string, routes: readonly ApiRoute[]): boolean {
  return routes.some((route) => route.fn === fn && route.auth !== 'none');
}

/** DynamoDB item actions of every function. No Scan: every list is a Query (DESIGN.md). */
export const TABLE_ACTIONS = [
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

/** Actions on the customer-managed key: table, queue and secret encryption all go through it. */
export const KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];

/**
 * Least privilege on the data: the item actions on the table, Query on each global index of
 * lib/table-definition.ts (no Scan anywhere), and use of the data key.
 */
export function grantTableAccess(handler: HandlerFunction, table: ITable, key: IKey): void {
  handler.addToPolicy(new PolicyStatement({ sid: 'TableItems', actions: TABLE_ACTIONS, resources: [table.tableArn] }));
  if (globalIndexes.length > 0) {
    handler.addToPolicy(
      new PolicyStatement({
        sid: 'TableIndexQueries',
        actions: ['dynamodb:Query'],
        resources: globalIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
      }),
    );
  }
  handler.addToPolicy(new PolicyStatement({ sid: 'DataKey', actions: KEY_ACTIONS, resources: [key.keyArn] }));
}

/**
 * Object read/write/delete in the attachments bucket (no ACL, policy or configuration action),
 * and ListBucket so that a missing object reads as 404 rather than 403.
 */
export function grantAttachmentAccess(handler: HandlerFunction, bucket: IBucket): void {
  handler.addToPolicy(
    new PolicyStatement({
      sid: 'AttachmentObjects',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects('*')],
    }),
    new PolicyStatement({ sid: 'AttachmentBucketList', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
  );
  acknowledgeWildcardResource(
    handler.role,
    bucket.arnForObjects('*'),
    "Attachments are objects of one dedicated bucket whose keys are generated per upload, so object permissions must cover the bucket's keys; the actions are limited to get, put, delete and abort-upload (no ACL, policy or configuration changes).",
  );
}
