import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/stacks/app.js';
import { newApp, production } from './new-app.js';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

/** Every resource of both stacks of the app built from `context`, by logical id per stack. */
function stacksOf(context: Record<string, unknown>): Record<string, Resource>[] {
  const { stateful, service } = buildApp(newApp(context));
  return [stateful, service].map((stack) => Template.fromStack(stack).toJSON().Resources as Record<string, Resource>);
}

const ofType = (resources: Record<string, Resource>, type: string): [string, Resource][] =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

describe('log retention per stage (issue 9 item 8)', () => {
  it('every log group of both stacks keeps logs for the logRetentionDays of the stage', () => {
    for (const [context, days, policy] of [
      [{ stage: 'qa', logRetentionDays: '731' }, 731, 'Delete'],
      [{ ...production, logRetentionDays: '2192' }, 2192, 'Retain'],
    ] as const) {
      const groups = stacksOf(context).flatMap((resources) => ofType(resources, 'AWS::Logs::LogGroup'));
      expect(groups.length).toBeGreaterThan(2);
      for (const [id, group] of groups) {
        expect(group.Properties.RetentionInDays, id).toBe(days);
        expect(group.Properties.KmsKeyId, id).toBeDefined();
        expect(group.DeletionPolicy, id).toBe(policy);
      }
    }
  });

  it('no function, access log or custom resource writes to a log group the stacks do not set a retention on', () => {
    for (const resources of stacksOf({ stage: 'qa', logRetentionDays: '731' })) {
      // Functions (HTTP, stream consumers, the Cognito trigger, anything added later) log to a
      // log group of their own stack, never to an implicit /aws/lambda/... group that keeps logs forever.
      for (const [id, fn] of ofType(resources, 'AWS::Lambda::Function')) {
        const ref = fn.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined;
        expect(ref, `${id} has no log group of its own`).toBeDefined();
        expect(resources[ref!]?.Type, id).toBe('AWS::Logs::LogGroup');
        expect(resources[ref!]!.Properties.RetentionInDays, id).toBe(731);
      }
      // The API's access log goes to one of the stack's log groups.
      for (const [id, stage] of ofType(resources, 'AWS::ApiGatewayV2::Stage')) {
        const [logGroupId] = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'] as [string, string];
        expect(resources[logGroupId]!.Properties.RetentionInDays, id).toBe(731);
      }
      // CDK's LogRetention custom resource would mean a log group created outside the template.
      expect(ofType(resources, 'Custom::LogRetention')).toEqual([]);
    }
  });

  it("the server access logs of the attachments bucket and of the inbound mail bucket expire after the same logRetentionDays", () => {
    // Per stack: the attachments bucket's access logs (stateful), the inbound mail bucket's (service, lib/constructs/webhook-inbound.ts).
    for (const [context, days] of [
      [{ stage: 'qa', logRetentionDays: '731' }, 731],
      [{ ...production, logRetentionDays: '2192' }, 2192],
    ] as const) {
      const expirations = stacksOf(context).map((resources) =>
        ofType(resources, 'AWS::S3::Bucket')
          .flatMap(([, bucket]) => (bucket.Properties.LifecycleConfiguration?.Rules ?? []) as { Id: string; ExpirationInDays?: number }[])
          .filter((rule) => rule.Id === 'expire-access-logs')
          .map((rule) => rule.ExpirationInDays),
      );
      expect(expirations).toEqual([[days], [days]]);
      // Every bucket given server access logs logs to a bucket with that rule (the attachments and inbound mail buckets).
      let logged = 0;
      for (const resources of stacksOf(context)) {
        for (const [id, bucket] of ofType(resources, 'AWS::S3::Bucket')) {
          const target = bucket.Properties.LoggingConfiguration?.DestinationBucketName?.Ref as string | undefined;
          if (!target) continue;
          const rules = (resources[target]!.Properties.LifecycleConfiguration?.Rules ?? []) as { Id: string; ExpirationInDays?: number }[];
          expect(rules.find((r) => r.Id === 'expire-access-logs')?.ExpirationInDays, id).toBe(days);
          logged += 1;
        }
      }
      expect(logged).toBe(2);
    }
  });

  it('defaults to 30 days, and 365 days (kept on delete) for production', () => {
    const retentions = (context: Record<string, unknown>) =>
      new Set(stacksOf(context).flatMap((r) => ofType(r, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties.RetentionInDays)));
    expect(retentions({ stage: 'qa' })).toEqual(new Set([30]));
    expect(retentions(production)).toEqual(new Set([365]));
  });

  it('refuses a retention CloudWatch Logs does not offer, naming logRetentionDays', () => {
    expect(() => buildApp(newApp({ logRetentionDays: '45' }))).toThrow(/CDK context "logRetentionDays": 45 is not a CloudWatch Logs retention value/);
    expect(() => buildApp(newApp({ logRetentionDays: 'forever' }))).toThrow(/CDK context "logRetentionDays"/);
  });
});
