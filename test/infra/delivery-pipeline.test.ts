/**
 * The delivery pipeline's infrastructure: the sweeper on its every-minute schedule with the
 * dispatcher's sending rights, the sparse leases index, an alarm for each abnormal end (stream
 * iterator age, dead letters, stuck deliveries, outcome_unknown) and the dashboard.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PracticeMessagingApp } from '../../lib/stacks/app.js';
import { STREAM_ITERATOR_AGE_ALARM } from '../../lib/constructs/operational-alarms.js';

function newApp(): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
}

type Alarm = { Properties: Record<string, any> };

describe('delivery pipeline infrastructure', () => {
  let built: PracticeMessagingApp;
  let template: Template;
  let sweeperId: string;
  let alarms: Alarm[];
  let topicId: string;

  const alarmOn = (metricName: string, namespace?: string): Alarm[] =>
    alarms.filter((a) => a.Properties.MetricName === metricName && (namespace === undefined || a.Properties.Namespace === namespace));

  beforeAll(() => {
    built = buildApp(newApp());
    template = Template.fromStack(built.service);
    sweeperId = built.service.getLogicalId(built.service.sweeper.function.node.defaultChild as CfnFunction);
    alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
    topicId = built.service.getLogicalId(built.service.alarms.topic.node.defaultChild as never);
  });

  it('the sweeper runs every minute from an EventBridge rule, one run at a time', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: Match.anyValue(),
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ PROVIDER_MODE: 'aws', DELIVERY_QUEUE_URL: Match.anyValue() }) },
    });
    const sweeperProps = template.toJSON().Resources[sweeperId].Properties;
    expect(sweeperProps.ReservedConcurrentExecutions).toBe(1);
  });

  it('the sweeper sends to no provider: it puts overdue deliveries back on the delivery queue (sqs:SendMessage on that queue only)', () => {
    const policyId = built.service.getLogicalId(built.service.sweeper.handler.role.policy.node.defaultChild as CfnManagedPolicy);
    const statements = template.toJSON().Resources[policyId].Properties.PolicyDocument.Statement as { Sid?: string; Effect: string }[];
    const sids = statements.map((s) => s.Sid);
    for (const sid of ['SendEmailAsConfiguredSender', 'PublishSmsToPhoneNumbers', 'ReadWhatsAppToken']) expect(sids).not.toContain(sid);
    expect(JSON.stringify(statements)).not.toMatch(/ses:|sns:Publish/);
    // It asks the queue how many messages wait (a busy queue: queued deliveries past their lease are left alone).
    expect(JSON.stringify(statements)).toContain('sqs:GetQueueAttributes');
  });

  it('the table has the sparse leases index the sweeper reads', () => {
    const stateful = Template.fromStack(built.stateful);
    const table = Object.values(stateful.findResources('AWS::DynamoDB::GlobalTable'))[0] ?? Object.values(stateful.findResources('AWS::DynamoDB::Table'))[0];
    const indexes = (table as Alarm).Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: { AttributeName: string }[] }[];
    expect(indexes.find((i) => i.IndexName === 'leases')?.KeySchema.map((k) => k.AttributeName)).toEqual(['leasePk', 'leaseDue']);
  });

  it('an alarm on every stream consumer\'s iterator age (more than 5 minutes behind)', () => {
    for (const [, consumer] of built.service.streamConsumers) {
      const fnId = built.service.getLogicalId(consumer.function.node.defaultChild as CfnFunction);
      const found = alarmOn('IteratorAge').filter((a) => JSON.stringify(a.Properties.Dimensions).includes(fnId));
      expect(found, fnId).toHaveLength(1);
      expect(found[0]!.Properties).toMatchObject({ Statistic: 'Maximum', Threshold: STREAM_ITERATOR_AGE_ALARM.toMilliseconds(), ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('an alarm on every dead-letter queue\'s first message', () => {
    const found = alarmOn('ApproximateNumberOfMessagesVisible');
    // + the delivery queue's and the inbound SNS subscriptions' (lib/constructs/webhook-inbound.ts)
    expect(found).toHaveLength(built.service.streamConsumers.size + 2);
    const inboundDeadLetters = built.service.getLogicalId(built.service.inbound!.deadLetters.node.defaultChild as CfnQueue);
    expect(found.filter((a) => JSON.stringify(a.Properties.Dimensions).includes(inboundDeadLetters))).toHaveLength(1);
    for (const a of found) expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms on stuck deliveries (the sweeper found them) and on outcome_unknown, from the pipeline\'s EMF metrics', () => {
    for (const metric of ['DeliveryStuck', 'DeliveryOutcomeUnknown']) {
      const found = alarmOn(metric, 'PracticeMessaging');
      expect(found, metric).toHaveLength(1);
      expect(found[0]!.Properties).toMatchObject({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'service', Value: 'practice-messaging' }],
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    }
  });

  it('the sweeper\'s own errors alarm like every function\'s', () => {
    const found = alarmOn('Errors').filter((a) => JSON.stringify(a.Properties.Dimensions).includes(sweeperId));
    expect(found).toHaveLength(1);
  });

  it('a dashboard for the pipeline: outcomes, throttles, outcome_unknown, latency, iterator age and dead letters', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Alarm[];
    const body = JSON.stringify(dashboards.map((d) => d.Properties.DashboardBody));
    for (const name of ['DeliverySent', 'DeliveryFailed', 'DeliveryThrottled', 'DeliveryOutcomeUnknown', 'DeliveryStuck', 'DeliveryLatency', 'IteratorAge', 'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage']) {
      expect(body, name).toContain(name);
    }
  });
});
