/**
 * The delivery queue: the stream dispatcher and the sweeper put delivery keys on it, its consumer
 * sends at a bounded concurrency; a dead-letter queue of delivery ids, both KMS-encrypted and
 * TLS-only; an alarm on the dead letters; who may send to it and who may receive from it.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PracticeMessagingApp } from '../../lib/stacks/app.js';
import { DELIVERY_MAX_RECEIVES } from '../../lib/constructs/delivery-queue.js';

function newApp(extra: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...extra } });
}

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };
const actions = (s: Statement) => [s.Action].flat();

describe('delivery queue infrastructure', () => {
  let built: PracticeMessagingApp;
  let template: Template;
  let resources: Record<string, Resource>;
  let queueId: string;
  let dlqId: string;
  let consumerId: string;
  const id = (c: { node: { defaultChild?: unknown } }) => built.service.getLogicalId(c.node.defaultChild as never);
  /** Every statement of every policy attached to a role, by the role's function. */
  const statementsOf = (fnId: string): Statement[] => {
    const role = resources[fnId]!.Properties.Role['Fn::GetAtt'][0] as string;
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties.Roles ?? []).includes(role))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  };
  const functionIds = () => Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([k]) => k);
  const onQueue = (s: Statement) => JSON.stringify(s.Resource).includes(queueId);

  beforeAll(() => {
    built = buildApp(newApp());
    template = Template.fromStack(built.service);
    resources = template.toJSON().Resources;
    queueId = id(built.service.deliveryQueue.queue);
    dlqId = id(built.service.deliveryQueue.deadLetterQueue);
    consumerId = id(built.service.deliveryQueue.function);
  });

  it('a queue and a dead-letter queue, both KMS-encrypted with the stack key, named from the stage; throttling never reaches the dead letters', () => {
    const queue = resources[queueId]!.Properties;
    const dlq = resources[dlqId]!.Properties;
    expect(queue.QueueName).toBe('practice-messaging-dev-deliveries');
    expect(dlq.QueueName).toBe('practice-messaging-dev-deliveries-dlq');
    // The stack's key (imported from the stateful stack), not the SQS-managed one.
    for (const q of [queue, dlq]) expect(JSON.stringify(q.KmsMasterKeyId)).toMatch(/ImportValue|Key/);
    expect(queue.KmsMasterKeyId).toEqual(dlq.KmsMasterKeyId);
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: DELIVERY_MAX_RECEIVES });
    // A day of throttling at the 15-minute cap with jitter to half: at most ~200 receives.
    expect(DELIVERY_MAX_RECEIVES).toBeGreaterThan(10 + (24 * 60) / 7.5 + 5);
    expect(DELIVERY_MAX_RECEIVES).toBeLessThanOrEqual(1000);
    expect(queue.VisibilityTimeout).toBe(360);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('both queues refuse requests without TLS', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as Resource[];
    for (const q of [queueId, dlqId]) {
      const policy = policies.find((p) => JSON.stringify(p.Properties.Queues).includes(q));
      expect(policy, q).toBeDefined();
      expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('the consumer reads the queue in batches of 10 with partial batch responses, at most deliveryConcurrency at once (default 5)', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: consumerId },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const other = buildApp(newApp({ deliveryConcurrency: 20 }));
    const otherConsumer = other.service.getLogicalId(other.service.deliveryQueue.function.node.defaultChild as never);
    Template.fromStack(other.service).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: otherConsumer },
      ScalingConfig: { MaximumConcurrency: 20 },
    });
    expect(() => buildApp(newApp({ deliveryConcurrency: 1 }))).toThrow('deliveryConcurrency');
  });

  it('the consumer is the one that sends: SES as the sender, SMS to numbers, the WhatsApp token; the queue URL in its environment', () => {
    const sids = statementsOf(consumerId).map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['SendEmailAsConfiguredSender', 'PublishSmsToPhoneNumbers', 'NoPublishToTopicsOrEndpoints', 'ReadWhatsAppToken']));
    expect(resources[consumerId]!.Properties.Environment.Variables).toMatchObject({ PROVIDER_MODE: 'aws', DELIVERY_QUEUE_URL: { Ref: queueId } });
  });

  it('only the stream dispatcher and the sweeper may send to the queue; only the consumer may receive, delete or delay its messages', () => {
    const producers = new Set([id(built.service.streamConsumers.get('dispatcher')!.function), id(built.service.sweeper.function)]);
    for (const fn of functionIds()) {
      const queueActions = statementsOf(fn).filter(onQueue).flatMap(actions);
      const sends = queueActions.some((a) => a.startsWith('sqs:SendMessage'));
      const receives = queueActions.some((a) => ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].includes(a));
      expect(sends, fn).toBe(producers.has(fn));
      expect(receives, fn).toBe(fn === consumerId);
      if (producers.has(fn)) expect(queueActions.sort(), fn).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    }
  });

  it('no function but the consumer may reach a provider', () => {
    for (const fn of functionIds()) {
      const providerActions = statementsOf(fn).filter((s) => s.Effect === 'Allow').flatMap(actions).filter((a) => a.startsWith('ses:') || a === 'sns:Publish');
      expect(providerActions.length > 0, fn).toBe(fn === consumerId);
    }
  });

  it('the consumer reads the files a message carries: GetObject under files/ of the attachments bucket, nothing else of S3', () => {
    const s3 = statementsOf(consumerId).filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [s.Sid, actions(s)])).toEqual([['AttachmentRead', ['s3:GetObject']]]);
    expect(JSON.stringify(s3[0]!.Resource)).toMatch(/\/files\/\*"/);
    expect(resources[consumerId]!.Properties.Environment.Variables).toHaveProperty('ATTACHMENTS_BUCKET');
  });

  it("an alarm on the dead-letter queue's first message, and on the consumer's errors", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const dead = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties.Dimensions).includes(dlqId));
    expect(dead).toHaveLength(1);
    expect(dead[0]!.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    const errors = alarms.filter((a) => a.Properties.MetricName === 'Errors' && JSON.stringify(a.Properties.Dimensions).includes(consumerId));
    expect(errors).toHaveLength(1);
  });

  it('the stack outputs both queue URLs (npm run redrive finds them by name)', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs['DeliveryQueueUrl']!.Value).toEqual({ Ref: queueId });
    expect(outputs['DeliveryDeadLetterQueueUrl']!.Value).toEqual({ Ref: dlqId });
  });
});
