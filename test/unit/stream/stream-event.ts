/** The stream fixtures (test/fixtures/stream/*.json, as Lambda delivers them), read fresh for every test. */
import { readFileSync } from 'node:fs';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type FixtureName = 'dispatcher' | 'block-visibility' | 'broadcast-fanout' | 'participant-fanout';

export const streamEvent = (name: FixtureName): DynamoDBStreamEvent =>
  JSON.parse(readFileSync(new URL(`../../fixtures/stream/${name}.json`, import.meta.url), 'utf8')) as DynamoDBStreamEvent;

export const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
