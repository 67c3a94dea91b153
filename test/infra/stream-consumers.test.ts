import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PracticeMessagingApp } from '../../lib/stacks/app.js';
import { readStageConfig } from '../../lib/stacks/config.js';
import { ServiceStack } from '../../lib/stacks/service-stack.js';
import { matchesFilter, streamConsumers } from '../../lib/stream-consumers.js';

/** An App with the context of cdk.json (feature flags) plus `extra`; bundling skipped. */
function newApp(extra: Record<string, unknown> = {}, outdir?: string): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return new App({ ...(outdir ? { outdir } : {}), context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...extra } });
}

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, any> };

const actions = (s: Statement): string[] => [s.Action].flat();
/** Does an IAM action pattern (with * and ?) grant `action`? */
const grants = (pattern: string, action: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action);

interface ConsumerIds {
  fn: string;
  policy: string;
  queue: string;
}

/** The delivery queue's consumer: the one function that sends (the dispatcher puts deliveries on its queue). */
function senderIds(built: PracticeMessagingApp): { fn: string; policy: string } {
  const { service } = built;
  return {
    fn: service.getLogicalId(service.deliveryQueue.function.node.defaultChild as CfnFunction),
    policy: service.getLogicalId(service.deliveryQueue.handler.role.policy.node.defaultChild as CfnManagedPolicy),
  };
}

/** Logical ids of every stream consumer's function, managed policy and dead-letter queue. */
function consumerIds(built: PracticeMessagingApp): Map<string, ConsumerIds> {
  const { service } = built;
  return new Map(
    [...service.streamConsumers].map(([name, c]) => [
      name,
      {
        fn: service.getLogicalId(c.function.node.defaultChild as CfnFunction),
        policy: service.getLogicalId(c.handler.role.policy.node.defaultChild as CfnManagedPolicy),
        queue: service.getLogicalId(c.deadLetterQueue.node.defaultChild as CfnQueue),
      },
    ]),
  );
}

describe('stream consumers', () => {
  let built: PracticeMessagingApp;
  let template: Template;
  let resources: Record<string, Resource>;
  let stateful: Template;
  let ids: Map<string, ConsumerIds>;
  let httpPolicyIds: string[];

  /** The stateful stack's value behind a cross-stack reference of the service stack. */
  const statefulValue = (reference: unknown): unknown => {
    const ref = JSON.stringify(reference);
    const name = /"OutputName":"([^"]+)"/.exec(ref)?.[1] ?? /"Fn::ImportValue":"([^"]+)"/.exec(ref)?.[1];
    expect(name, `not a cross-stack reference: ${ref}`).toBeDefined();
    const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
    return Object.entries(outputs).find(([id, o]) => id === name || o.Export?.Name === name)?.[1].Value;
  };
  /** Whether a statement's resource names something of the stateful stack (the webhook secrets are the service stack's own). */
  const crossStack = (reference: unknown): boolean => /"OutputName"|"Fn::ImportValue"/.test(JSON.stringify(reference));
  /** The webhooks function's managed policy: it downloads inbound WhatsApp media with the WhatsApp token (lambdas/adapters/webhooks/edge-deps.ts). */
  const webhooksPolicyId = (): string =>
    built.service.getLogicalId(built.service.handlers.get('webhooks')!.role.policy.node.defaultChild as CfnManagedPolicy);
  const statefulId = (type: string): string => {
    const found = Object.keys(stateful.findResources(type));
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  const mappingOf = (name: string): Resource => {
    const found = Object.values(
      template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: ids.get(name)!.fn } } }),
    ) as Resource[];
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };
  const filtersOf = (name: string): unknown[] =>
    (mappingOf(name).Properties.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern));
  const statementsOf = (policyId: string): Statement[] => resources[policyId]!.Properties.PolicyDocument.Statement;
  const envOf = (name: string): Record<string, unknown> => resources[ids.get(name)!.fn]!.Properties.Environment.Variables;
  const senderEnv = (): Record<string, unknown> => resources[senderIds(built).fn]!.Properties.Environment.Variables;

  beforeAll(() => {
    built = buildApp(newApp());
    template = Template.fromStack(built.service);
    resources = template.toJSON().Resources;
    stateful = Template.fromStack(built.stateful);
    ids = consumerIds(built);
    httpPolicyIds = [...built.service.handlers.values()].map((h) =>
      built.service.getLogicalId(h.role.policy.node.defaultChild as CfnManagedPolicy),
    );
  });

  it('every entry of lib/stream-consumers.ts has a function on the table stream with its filters and batch size', () => {
    expect([...ids.keys()].sort()).toEqual(streamConsumers.map((c) => c.name).sort());
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', streamConsumers.length + 1); // + the delivery queue's
    const tableId = statefulId('AWS::DynamoDB::Table');
    for (const consumer of streamConsumers) {
      const mapping = mappingOf(consumer.name).Properties;
      expect(statefulValue(mapping.EventSourceArn), consumer.name).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
      expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
      expect(mapping.BatchSize, consumer.name).toBe(consumer.batchSize);
      expect(filtersOf(consumer.name), consumer.name).toEqual(consumer.filters);
      const fn = resources[ids.get(consumer.name)!.fn]!.Properties;
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 1024, Timeout: 60 });
    }
  });

  it('the dispatcher reads the table stream with a filter that passes only new queued deliveries', () => {
    expect(filtersOf('dispatcher')).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['Delivery'] }, status: { S: ['queued'] } } } },
    ]);
    const [pattern] = filtersOf('dispatcher') as Parameters<typeof matchesFilter>[0][];
    const record = (eventName: string, type: string, status: string) => ({
      eventName,
      dynamodb: { NewImage: { type: { S: type }, status: { S: status } } },
    });
    expect(matchesFilter(pattern!, record('INSERT', 'Delivery', 'queued'))).toBe(true);
    // Its own state changes, deliveries written as blocked, and other items never come back to it.
    expect(matchesFilter(pattern!, record('MODIFY', 'Delivery', 'sending'))).toBe(false);
    expect(matchesFilter(pattern!, record('MODIFY', 'Delivery', 'queued'))).toBe(false);
    expect(matchesFilter(pattern!, record('INSERT', 'Delivery', 'blocked'))).toBe(false);
    expect(matchesFilter(pattern!, record('INSERT', 'Message', 'queued'))).toBe(false);
    expect(mappingOf('dispatcher').Properties.BatchSize).toBe(25);
  });

  it('block-visibility consumer has its filter', () => {
    expect(filtersOf('block-visibility')).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { type: { S: ['Block'] } } } },
    ]);
  });

  it('a consumer passed to the service stack gets its own function and event source', () => {
    const app = newApp();
    const base = buildApp(app);
    const stack = new ServiceStack(app, 'WithOneConsumer', {
      config: readStageConfig(app.node),
      key: base.stateful.key,
      table: base.stateful.table,
      attachmentsBucket: base.stateful.attachmentsBucket,
      userPool: base.stateful.userPool,
      userPoolClient: base.stateful.userPoolClient,
      whatsappTokenSecret: base.stateful.whatsappTokenSecret,
      streamConsumers: [
        {
          name: 'audit-trail',
          entry: 'lambdas/handlers/stream/block-visibility.ts',
          filters: [{ eventName: ['REMOVE'] }],
          batchSize: 7,
        },
      ],
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 2); // + the delivery queue's
    // + the delivery queue, its dead-letter queue and the inbound SNS subscriptions' dead-letter queue (lib/constructs/webhook-inbound.ts)
    t.resourceCountIs('AWS::SQS::Queue', 4);
    expect(stack.inbound?.deadLetters).toBeDefined();
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 7,
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["REMOVE"]}' }] },
    });
    expect([...stack.streamConsumers.keys()]).toEqual(['audit-trail']);
  });

  it('each stream consumer has a dead-letter queue with an alarm', () => {
    const keyId = statefulId('AWS::KMS::Key');
    // The alarm topic (the stack also has the inbound SNS topics).
    const topicId = built.service.getLogicalId(built.service.alarms.topic.node.defaultChild as CfnTopic);
    // + the delivery queue, its dead letters and the inbound SNS subscriptions' dead letters
    template.resourceCountIs('AWS::SQS::Queue', streamConsumers.length + 3);
    expect(built.service.inbound?.deadLetters).toBeDefined();
    for (const [name, { fn, queue }] of ids) {
      expect(mappingOf(name).Properties.DestinationConfig, name).toEqual({
        OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } },
      });
      const q = resources[queue]!.Properties;
      expect(statefulValue(q.KmsMasterKeyId), name).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(q.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      const policies = Object.values(
        template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: queue }] } }),
      ) as Resource[];
      expect(policies, name).toHaveLength(1);
      expect(policies[0]!.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );

      const dlqAlarms = Object.values(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: {
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          },
        }),
      ) as Resource[];
      expect(dlqAlarms, name).toHaveLength(1);
      expect(dlqAlarms[0]!.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });

      const errorAlarms = Object.values(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }] },
        }),
      ) as Resource[];
      expect(errorAlarms, name).toHaveLength(1);
      expect(errorAlarms[0]!.Properties.AlarmActions).toEqual([{ Ref: topicId }]);

      // The event source may put failed batches on its own queue, and nowhere else (a consumer that
      // enqueues deliveries may also send to the delivery queue).
      const sqs = statementsOf(ids.get(name)!.policy).filter((s) => actions(s).some((a) => a.startsWith('sqs:')));
      const enqueues = streamConsumers.find((c) => c.name === name)!.enqueuesDeliveries === true;
      const deliveryQueueId = built.service.getLogicalId(built.service.deliveryQueue.queue.node.defaultChild as CfnQueue);
      expect(sqs.flatMap((s) => [s.Resource].flat()), name).toEqual(
        enqueues ? [{ 'Fn::GetAtt': [deliveryQueueId, 'Arn'] }, { 'Fn::GetAtt': [queue, 'Arn'] }] : [{ 'Fn::GetAtt': [queue, 'Arn'] }],
      );
      expect(sqs.flatMap(actions)).toContain('sqs:SendMessage');
    }
  });

  it('bisects on error and reports batch item failures', () => {
    for (const name of ids.keys()) {
      const mapping = mappingOf(name).Properties;
      expect(mapping, name).toMatchObject({
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 6 * 3600,
      });
      expect([1, 2]).toContain(mapping.ParallelizationFactor);
    }
  });

  it('each consumer reads only the table stream and uses the table items without scanning', () => {
    const tableId = statefulId('AWS::DynamoDB::Table');
    for (const [name, { policy }] of ids) {
      const all = statementsOf(policy);
      const stream = all.filter((s) => actions(s).includes('dynamodb:GetRecords'));
      expect(stream, name).toHaveLength(1);
      expect(actions(stream[0]!).sort()).toEqual(
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'].sort(),
      );
      expect(statefulValue(stream[0]!.Resource), name).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
      const items = all.find((s) => s.Sid === 'TableItems')!;
      expect(statefulValue(items.Resource), name).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
      expect(actions(items)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']));
      expect(all.find((s) => s.Sid === 'TableIndexQueries')?.Action).toBe('dynamodb:Query');
      expect(all.find((s) => s.Sid === 'DataKey')).toBeDefined();
      // No attachment access for stream consumers.
      expect(all.flatMap(actions).filter((a) => a.startsWith('s3:')), name).toEqual([]);
    }
  });

  it('the delivery queue\'s consumer (the sender) may send email only from the configured identity', () => {
    const ses = statementsOf(senderIds(built).policy).filter((s) => actions(s).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    const [statement] = ses;
    expect(statement!.Effect).toBe('Allow');
    expect(actions(statement!)).toEqual(['ses:SendEmail']);
    expect(statement!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@example.com' } });
    const configurationSetId = Object.keys(template.findResources('AWS::SES::ConfigurationSet'))[0]!;
    const arn = (suffix: unknown[]) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...suffix]],
    });
    expect(statement!.Resource).toEqual(
      expect.arrayContaining([
        arn([':identity/no-reply@example.com']),
        arn([':identity/example.com']),
        arn([':configuration-set/', { Ref: configurationSetId }]),
      ]),
    );
    expect(statement!.Resource).toHaveLength(3);

    // The configuration set: named from the stage, reputation metrics, TLS required; its name reaches the sender.
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'practice-messaging-dev',
      ReputationOptions: { ReputationMetricsEnabled: true },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
    expect(senderEnv()).toMatchObject({
      SES_CONFIGURATION_SET: { Ref: configurationSetId },
      SES_FROM_ADDRESS: 'no-reply@example.com',
      PROVIDER_MODE: 'aws',
    });

    // Another sender from context: the identities and the condition follow it.
    const other = buildApp(newApp({ sesFromAddress: 'reception@mail.example.org' }));
    const otherResources = Template.fromStack(other.service).toJSON().Resources as Record<string, Resource>;
    const [otherSes] = (otherResources[senderIds(other).policy]!.Properties.PolicyDocument.Statement as Statement[]).filter(
      (s) => actions(s).includes('ses:SendEmail'),
    );
    expect(otherSes!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'reception@mail.example.org' } });
    expect(JSON.stringify(otherSes!.Resource)).toContain(':identity/reception@mail.example.org');
    expect(JSON.stringify(otherSes!.Resource)).toContain(':identity/mail.example.org"');
  });

  it('may publish SMS', () => {
    const all = statementsOf(senderIds(built).policy);
    const allow = all.filter((s) => s.Effect === 'Allow' && actions(s).some((a) => a.startsWith('sns:')));
    expect(allow).toHaveLength(1);
    expect(actions(allow[0]!).sort()).toEqual(['sns:CheckIfPhoneNumberIsOptedOut', 'sns:Publish']);
    // A publish to a phone number names no resource ARN.
    expect(allow[0]!.Resource).toBe('*');
    // ... so every topic and platform endpoint is denied explicitly.
    const deny = all.filter((s) => s.Effect === 'Deny');
    expect(deny).toEqual([
      expect.objectContaining({
        Action: 'sns:Publish',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] },
      }),
    ]);
    expect(senderEnv().SMS_ORIGINATION_NUMBER).toBe('');
    const other = buildApp(newApp({ smsOriginationNumber: '+447700900123' }));
    const fn = Template.fromStack(other.service).toJSON().Resources[senderIds(other).fn] as Resource;
    expect(fn.Properties.Environment.Variables.SMS_ORIGINATION_NUMBER).toBe('+447700900123');
  });

  /** The WhatsApp token's secret (the stateful stack also holds the cursor secret, read by the HTTP functions). */
  const whatsappSecretId = (): string => {
    const found = Object.keys(stateful.findResources('AWS::SecretsManager::Secret', { Properties: { Description: Match.stringLikeRegexp('WhatsApp') } }));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('may read exactly the one WhatsApp secret', () => {
    const secretId = whatsappSecretId();
    const everyStatement = [
      ...(Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Resource[]),
      ...(Object.values(stateful.findResources('AWS::IAM::ManagedPolicy')) as Resource[]),
    ].flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const secrets = everyStatement.filter(
      (s) =>
        actions(s).some((a) => a.toLowerCase().startsWith('secretsmanager:')) &&
        crossStack(s.Resource) &&
        JSON.stringify(statefulValue(s.Resource)) === JSON.stringify({ Ref: secretId }),
    );
    // The sender's (the dispatcher and the sweeper put deliveries on the queue; they send nothing), and the webhooks
    // function's, which downloads inbound WhatsApp media with the token (GetSecretValue only; it cannot send).
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(secret).toMatchObject({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue' });
      expect(statefulValue(secret.Resource)).toEqual({ Ref: secretId });
    }
    const sender = statementsOf(senderIds(built).policy).filter((s) => secrets.includes(s));
    const webhooks = statementsOf(webhooksPolicyId()).filter((s) => secrets.includes(s));
    expect(sender).toHaveLength(1);
    expect(webhooks).toEqual([expect.objectContaining({ Sid: 'WhatsAppAccessToken' })]);

    const env = senderEnv();
    expect(statefulValue(env.WHATSAPP_TOKEN_SECRET_ID)).toEqual({ Ref: secretId });
    expect(env.WHATSAPP_PHONE_NUMBER_ID).toBe('');
    const other = buildApp(newApp({ whatsappPhoneNumberId: '106540352242922' }));
    const fn = Template.fromStack(other.service).toJSON().Resources[senderIds(other).fn] as Resource;
    expect(fn.Properties.Environment.Variables.WHATSAPP_PHONE_NUMBER_ID).toBe('106540352242922');
  });

  it('HTTP handlers cannot send email, publish SMS or read the WhatsApp secret', () => {
    const whatsapp = JSON.stringify({ Ref: whatsappSecretId() });
    const senders = new Set(streamConsumers.filter((c) => (c.sends ?? []).length > 0).map((c) => c.name));
    const nonSending = [...ids].filter(([name]) => !senders.has(name)).map(([, i]) => i.policy);
    expect(httpPolicyIds.length).toBeGreaterThan(0);
    for (const policy of [...httpPolicyIds, ...nonSending]) {
      const allowed = statementsOf(policy).filter((s) => s.Effect === 'Allow');
      const granted = allowed.flatMap(actions);
      for (const action of ['ses:SendEmail', 'ses:SendRawEmail', 'sns:Publish']) {
        expect(granted.filter((a) => grants(a, action)), `${policy} ${action}`).toEqual([]);
      }
      // The webhooks function reads the token to download inbound WhatsApp media (it sends nothing: checked above).
      if (policy === webhooksPolicyId()) continue;
      const secretReads = allowed.filter((s) => actions(s).some((a) => grants(a, 'secretsmanager:GetSecretValue')));
      for (const s of secretReads) expect(JSON.stringify(statefulValue(s.Resource)), `${policy} reads the WhatsApp secret`).not.toBe(whatsapp);
    }
    expect(httpPolicyIds).toContain(webhooksPolicyId());
    for (const [group, handler] of built.service.handlers) {
      const fnId = built.service.getLogicalId(handler.function.node.defaultChild as CfnFunction);
      const vars = resources[fnId]!.Properties.Environment.Variables as Record<string, unknown>;
      if (group === 'webhooks') expect(statefulValue(vars.WHATSAPP_TOKEN_SECRET_ID), fnId).toEqual(JSON.parse(whatsapp));
      else expect(vars.WHATSAPP_TOKEN_SECRET_ID, fnId).toBeUndefined();
    }
  });

  it('no function may Scan the table', () => {
    const policies = [
      ...(Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Resource[]),
      ...(Object.values(stateful.findResources('AWS::IAM::ManagedPolicy')) as Resource[]),
    ];
    expect(policies.length).toBeGreaterThan(streamConsumers.length);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    stateful.resourceCountIs('AWS::IAM::Policy', 0);
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        if (statement.Effect !== 'Allow') continue;
        expect(actions(statement).filter((a) => grants(a, 'dynamodb:Scan')), statement.Sid).toEqual([]);
      }
    }
  });

  it('no stream consumer gets provider settings (the delivery queue\'s consumer sends)', () => {
    for (const name of ids.keys()) {
      const env = envOf(name);
      expect(env, name).toMatchObject({ PROVIDER_MODE: 'aws', SES_FROM_ADDRESS: 'no-reply@example.com' });
      expect(env.TABLE_NAME, name).toBeDefined();
      const sends = new Set(streamConsumers.find((c) => c.name === name)!.sends ?? []);
      expect('SES_CONFIGURATION_SET' in env, name).toBe(sends.has('email'));
      expect('SMS_ORIGINATION_NUMBER' in env, name).toBe(sends.has('sms'));
      expect('WHATSAPP_TOKEN_SECRET_ID' in env, name).toBe(sends.has('whatsapp'));
    }
  });

  it('the sender\'s "*" acknowledgement names both X-Ray and SMS', () => {
    const app = newApp({}, mkdtempSync(join(tmpdir(), 'practice-messaging-consumers-')));
    const { service } = buildApp(app);
    app.synth();
    const dispatcherRole = service.deliveryQueue.handler.role;
    const reasons = dispatcherRole.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.replace(/^Annotation::/, '') === 'AwsSolutions-IAM5[Resource::*]')
      .map(([, reason]) => reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/X-Ray/);
    expect(reasons[0]).toMatch(/PhoneNumber/);
    expect(reasons[0]).toMatch(/Deny/);
  });
});

describe('stream consumer context keys', () => {
  it('rejects an SMS origination number that is not E.164 and a non-numeric WhatsApp phone number id', () => {
    expect(() => buildApp(newApp({ smsOriginationNumber: '07700 900123' }))).toThrow(/smsOriginationNumber.*E\.164/);
    expect(() => buildApp(newApp({ whatsappPhoneNumberId: 'abc' }))).toThrow(/whatsappPhoneNumberId.*digits/);
    expect(() => buildApp(newApp({ whatsappPhoneNumberId: 1234567890123456789 }))).toThrow(/as a string/);
    const config = readStageConfig(newApp({ whatsappPhoneNumberId: 106540352242922 }).node);
    expect(config.whatsappPhoneNumberId).toBe('106540352242922');
  });
});
