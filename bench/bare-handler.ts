/**
 * The floor the bundles and cold starts are measured against: a bare Lambda handler that
 * bundles one DynamoDB client (the document client over DynamoDBClient, as the app does) and
 * does one GetItem. Built and run exactly like the functions (bench/bundles.ts, bench/cold-start.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: process.env['AWS_REGION'] ?? 'us-east-1',
    ...(process.env['DYNAMODB_ENDPOINT'] ? { endpoint: process.env['DYNAMODB_ENDPOINT'] } : {}),
  }),
);

export const handler = async (event: { pk?: string; sk?: string }) => {
  const res = await client.send(new GetCommand({ TableName: process.env['TABLE_NAME'], Key: { pk: event.pk ?? 'BARE', sk: event.sk ?? 'BARE' } }));
  return { statusCode: 200, body: JSON.stringify({ found: res.Item !== undefined }) };
};
