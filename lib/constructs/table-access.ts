import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { globalIndexes } from '../table-definition.js';
import type { HandlerFunction } from './handler-function.js';

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
