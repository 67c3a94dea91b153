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
 * the attachments bucket: the `attachments` function (presigned upload and download, the check,
 * delete). The delivery queue's consumer reads files it sends ({@link grantAttachmentRead}).
 */
export const ATTACHMENT_FUNCTIONS: readonly string[] = ['attachments'];

/** Every attachment object is under this prefix (lib/constructs/attachments-bucket.ts FILES_PREFIX). */
export const ATTACHMENT_OBJECTS = 'files/*';

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
 * Objects under `files/` of the attachments bucket: read (the check's ranged GET, presigned
 * downloads), write (presigned uploads, with their tag), tag (kept after the check), delete (a
 * rejected file); no ACL, policy or configuration action. ListBucket on that prefix only, so a
 * missing object reads as 404 rather than 403.
 */
export function grantAttachmentAccess(handler: HandlerFunction, bucket: IBucket): void {
  handler.addToPolicy(
    new PolicyStatement({
      sid: 'AttachmentObjects',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects(ATTACHMENT_OBJECTS)],
    }),
    new PolicyStatement({
      sid: 'AttachmentBucketList',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [ATTACHMENT_OBJECTS] } },
    }),
  );
  acknowledgeWildcardResource(
    handler.role,
    bucket.arnForObjects(ATTACHMENT_OBJECTS),
    "Attachments are objects under files/ of one dedicated bucket whose keys are generated per upload, so object permissions must cover the prefix; the actions are limited to get, put, tag, delete and abort-upload (no ACL, policy or configuration changes).",
  );
}

/** The delivery consumer reads the files a message carries (email MIME parts, WhatsApp media): GetObject under `files/` only. */
export function grantAttachmentRead(handler: HandlerFunction, bucket: IBucket): void {
  handler.addToPolicy(new PolicyStatement({ sid: 'AttachmentRead', actions: ['s3:GetObject'], resources: [bucket.arnForObjects(ATTACHMENT_OBJECTS)] }));
  acknowledgeWildcardResource(
    handler.role,
    bucket.arnForObjects(ATTACHMENT_OBJECTS),
    'The sender reads the attachments a message carries; their keys are generated per upload under files/, so the read covers the prefix (GetObject only).',
  );
}
