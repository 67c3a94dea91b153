import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRedriveArgs, redrive } from '../../../bin/redrive.js';

const sqs = mockClient(SQSClient);
const base = 'https://sqs.eu-west-2.amazonaws.com/123456789012';
const arn = (name: string) => `arn:aws:sqs:eu-west-2:123456789012:${name}`;

beforeEach(() => {
  sqs.reset();
  sqs.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({ QueueUrl: `${base}/${input.QueueName}` }));
  sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => {
    const name = input.QueueUrl.split('/').pop()!;
    return { Attributes: { QueueArn: arn(name), ApproximateNumberOfMessages: name.endsWith('-dlq') ? '7' : '0' } };
  });
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

describe('npm run redrive', () => {
  it('finds both queues by the stage\'s names and moves the dead letters back with StartMessageMoveTask', async () => {
    const lines: string[] = [];
    const result = await redrive(new SQSClient({}), parseRedriveArgs(['--stage', 'prod']), (l) => lines.push(l));
    expect(sqs.commandCalls(GetQueueUrlCommand).map((c) => c.args[0].input)).toEqual([
      { QueueName: 'practice-messaging-prod-deliveries-dlq' },
      { QueueName: 'practice-messaging-prod-deliveries' },
    ]);
    expect(sqs.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: `${base}/practice-messaging-prod-deliveries-dlq`, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] },
      { QueueUrl: `${base}/practice-messaging-prod-deliveries`, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] },
    ]);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).toEqual([
      { SourceArn: arn('practice-messaging-prod-deliveries-dlq'), DestinationArn: arn('practice-messaging-prod-deliveries') },
    ]);
    expect(result).toEqual({ waiting: 7, taskHandle: 'task-1' });
    expect(lines).toEqual(['practice-messaging-prod-deliveries-dlq: moving 7 message(s) to practice-messaging-prod-deliveries (task task-1)']);
  });

  it('--dry-run only counts: no move task', async () => {
    const lines: string[] = [];
    expect(await redrive(new SQSClient({}), parseRedriveArgs(['--stage=dev', '--dry-run']), (l) => lines.push(l))).toEqual({ waiting: 7 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(lines[0]).toContain('7 message(s) would move to practice-messaging-dev-deliveries (dry run)');
  });

  it('an empty dead-letter queue starts no move task', async () => {
    sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({ Attributes: { QueueArn: arn(input.QueueUrl.split('/').pop()!), ApproximateNumberOfMessages: '0' } }));
    expect(await redrive(new SQSClient({}), { stage: 'dev', dryRun: false }, () => undefined)).toEqual({ waiting: 0 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('needs a stage; refuses unknown arguments', () => {
    expect(() => parseRedriveArgs([])).toThrow('--stage <stage>');
    expect(() => parseRedriveArgs(['--stage', 'Prod!'])).toThrow('--stage <stage>');
    expect(() => parseRedriveArgs(['--stage', 'dev', '--all'])).toThrow('Unknown argument --all');
  });
});
