/** Infra of the inbound side: webhook routes (no authorizer, own throttle), secrets, topics (v2, KMS), the inbound mail bucket, the receipt rule behind its flag, the EUM subscriber; cdk-nag clean. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PracticeMessagingApp } from '../../lib/stacks/app.js';
import { WEBHOOK_THROTTLE } from '../../lib/constructs/messaging-api.js';
import { newApp } from './new-app.js';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('webhooks on AWS', () => {
  let built: PracticeMessagingApp;
  let resources: Record<string, Resource>;
  const resolve = (v: unknown) => JSON.stringify(Stack.of(built.service).resolve(v));

  beforeAll(() => {
    built = buildApp(newApp());
    resources = Template.fromStack(built.service).toJSON().Resources;
  });

  it('webhook routes have no JWT authorizer and each has its own stage throttle', () => {
    const routes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const webhookRoutes = routes.filter((r) => String(r.RouteKey).includes('/webhooks/'));
    expect(webhookRoutes.map((r) => r.RouteKey).sort()).toEqual(['GET /webhooks/whatsapp', 'POST /webhooks/ses', 'POST /webhooks/sms/twilio', 'POST /webhooks/whatsapp']);
    for (const r of webhookRoutes) expect(r.AuthorizationType ?? 'NONE').toBe('NONE');
    const [[, stage]] = ofType(resources, 'AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(webhookRoutes.map((r) => r.RouteKey).sort());
    for (const s of Object.values(stage.Properties.RouteSettings)) {
      expect(s).toEqual({ ThrottlingBurstLimit: WEBHOOK_THROTTLE.burstLimit, ThrottlingRateLimit: WEBHOOK_THROTTLE.rateLimit });
    }
  });

  it('three SNS topics, KMS-encrypted, signature version 2; the SES ones subscribed by POST /webhooks/ses over HTTPS, the SMS one by the subscriber function', () => {
    const topics = ofType(resources, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(3 + 1); // + the alarm topic
    const inbound = built.service.inbound!;
    for (const topic of [inbound.sesInboundTopic, inbound.sesEventsTopic, inbound.smsInboundTopic]) {
      const r = resources[built.service.getLogicalId(topic.node.defaultChild as never)]!;
      expect(r.Properties.SignatureVersion).toBe('2');
      expect(r.Properties.KmsMasterKeyId).toBeDefined();
    }
    const subs = ofType(resources, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    const https = subs.filter((s) => s.Protocol === 'https');
    expect(https).toHaveLength(2);
    for (const s of https) expect(resolve(s.Endpoint)).toContain('webhooks/ses');
    expect(subs.filter((s) => s.Protocol === 'lambda')).toHaveLength(1);
  });

  it('the webhook function accepts only the stack topics and reads its secrets from Secrets Manager, never local values', () => {
    const fnId = built.service.getLogicalId(built.service.handlers.get('webhooks')!.function.node.defaultChild as never);
    const env = resources[fnId]!.Properties.Environment.Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['TWILIO_AUTH_TOKEN_SECRET_ID', 'WHATSAPP_WEBHOOK_SECRET_ID', 'SNS_TOPIC_ARNS', 'INBOUND_EMAIL_BUCKET']));
    for (const local of ['TWILIO_AUTH_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'SNS_SIGNING_CERT_FILE', 'PUBLIC_BASE_URL']) expect(env[local]).toBeUndefined();
    expect(resolve(env.SNS_TOPIC_ARNS)).toContain(built.service.getLogicalId(built.service.inbound!.sesInboundTopic.node.defaultChild as never));
    const secrets = ofType(resources, 'AWS::SecretsManager::Secret').map(([, r]) => r);
    expect(secrets).toHaveLength(2);
    for (const s of secrets) {
      expect(s.Properties.KmsKeyId).toBeDefined();
      expect(s.Properties.SecretString).toBeUndefined();
    }
  });

  it('the inbound mail bucket is KMS-encrypted, TLS-only, versioned and retained; SES may write only under inbound/', () => {
    const id = built.service.getLogicalId(built.service.inbound!.inboundBucket.node.defaultChild as never);
    const bucket = resources[id]!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const policy = ofType(resources, 'AWS::S3::BucketPolicy').find(([, r]) => resolve(r.Properties.Bucket).includes(id))![1];
    const statements = policy.Properties.PolicyDocument.Statement as { Effect: string; Condition?: unknown; Principal?: unknown; Resource: unknown }[];
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
    const ses = statements.find((s) => JSON.stringify(s.Principal).includes('ses.amazonaws.com'))!;
    expect(resolve(ses.Resource)).toContain('/inbound/*');
  });

  it('no receipt rule set without the sesReceivingRecipients flag; with it, an S3 action notifying the inbound topic', () => {
    expect(ofType(resources, 'AWS::SES::ReceiptRuleSet')).toHaveLength(0);
    const withRules = buildApp(newApp({ sesReceivingRecipients: 'inbound.clinic.example.com' }));
    const t = Template.fromStack(withRules.service).toJSON().Resources as Record<string, Resource>;
    expect(ofType(t, 'AWS::SES::ReceiptRuleSet')).toHaveLength(1);
    const [[, rule]] = ofType(t, 'AWS::SES::ReceiptRule') as [[string, Resource]];
    expect(rule.Properties.Rule.Recipients).toEqual(['inbound.clinic.example.com']);
    expect(rule.Properties.Rule.TlsPolicy).toBe('Require');
    expect(rule.Properties.Rule.Actions[0].S3Action).toMatchObject({ ObjectKeyPrefix: 'inbound/' });
    expect(rule.Properties.Rule.Actions[0].S3Action.TopicArn).toBeDefined();
  });

  it('the SES configuration set publishes Delivery, Bounce and Complaint to the events topic', () => {
    const [[, dest]] = ofType(resources, 'AWS::SES::ConfigurationSetEventDestination') as [[string, Resource]];
    expect(dest.Properties.EventDestination.MatchingEventTypes.sort()).toEqual(['bounce', 'complaint', 'delivery']);
    expect(dest.Properties.EventDestination.SnsDestination).toBeDefined();
  });

  it('cdk-nag finds nothing unacknowledged with the receipt rule set on', () => {
    const app = newApp({ sesReceivingRecipients: 'inbound.clinic.example.com' });
    buildApp(app);
    app.synth();
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { violations: unknown[] }[] };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });
});
