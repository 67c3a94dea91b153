import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/stacks/app.js';
import { readStageConfig } from '../../lib/stacks/config.js';
import { ServiceStack, type ServiceStackProps } from '../../lib/stacks/service-stack.js';
import type { ApiRoute } from '../../lib/constructs/messaging-api.js';
import { type FunctionName, functionEntries, type Route, routeKey, routes } from '../../lib/routes.js';
import { streamConsumers } from '../../lib/stream-consumers.js';
import { globalIndexes } from '../../lib/table-definition.js';

/** An App with the context of cdk.json (feature flags) plus `extra`; bundling skipped. */
function newApp(extra: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...extra } });
}

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const groups = Object.keys(functionEntries) as FunctionName[];
/** Functions of the service stack: one per HTTP function and one per stream consumer. */
// HTTP functions, stream consumers and the delivery sweeper.
// + the delivery sweeper, the delivery queue's consumer and the End User Messaging SMS-inbound function
// (lib/constructs/webhook-inbound.ts: an SNS subscriber created with the `webhooks` HTTP function).
const serviceFunctionCount = groups.length + streamConsumers.length + 1 + 1 + (groups.includes('webhooks') ? 1 : 0);

describe('service stack', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  let functionIdByGroup: Map<string, string>;
  let policyIdByGroup: Map<string, string>;
  let authorizerId: string;
  let statefulTemplate: Template;
  let smsInboundId: string;
  let builtApp: ReturnType<typeof buildApp>;
  const built = () => builtApp;
  let alarmTopicId: string;

  const routeResource = (route: Pick<Route, 'method' | 'path'>): Resource => {
    const found = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey(route) } }));
    expect(found, routeKey(route)).toHaveLength(1);
    return found[0] as Resource;
  };

  beforeAll(() => {
    const built = buildApp(newApp());
    builtApp = built;
    template = Template.fromStack(built.service);
    statefulTemplate = Template.fromStack(built.stateful);
    resources = template.toJSON().Resources;
    functionIdByGroup = new Map(
      [...built.service.handlers].map(([group, handler]) => [
        group,
        built.service.getLogicalId(handler.function.node.defaultChild as CfnFunction),
      ]),
    );
    policyIdByGroup = new Map(
      [...built.service.handlers].map(([group, handler]) => [
        group,
        built.service.getLogicalId(handler.role.policy.node.defaultChild as CfnManagedPolicy),
      ]),
    );
    authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0]!;
    smsInboundId = built.service.getLogicalId(built.service.inbound!.smsInbound.function.node.defaultChild as CfnFunction);
    alarmTopicId = built.service.getLogicalId(built.service.alarms.topic.node.defaultChild as CfnTopic);
  });

  describe('HTTP API', () => {
    it('has exactly the routes of lib/routes.ts', () => {
      const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
      expect(keys.sort()).toEqual(routes.map(routeKey).sort());
    });

    it('every jwt route of lib/routes.ts has the Cognito authorizer', () => {
      const jwtRoutes = routes.filter((r) => r.auth === 'jwt');
      expect(jwtRoutes.length).toBeGreaterThan(0);
      for (const route of jwtRoutes) {
        const { Properties } = routeResource(route);
        expect(Properties.AuthorizationType, routeKey(route)).toBe('JWT');
        expect(Properties.AuthorizerId, routeKey(route)).toEqual({ Ref: authorizerId });
      }
    });

    it('the openapi and health routes have no authorizer', () => {
      const openRoutes = routes.filter((r) => r.auth === 'none');
      expect(openRoutes.map(routeKey)).toEqual(expect.arrayContaining(['GET /health', 'GET /v1/openapi.json']));
      for (const route of openRoutes) {
        const { Properties } = routeResource(route);
        expect(Properties.AuthorizationType, routeKey(route)).toBe('NONE');
        expect(Properties.AuthorizerId, routeKey(route)).toBeUndefined();
      }
    });

    it('no /dev route exists in the template', () => {
      const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
      expect(keys.filter((k) => /^\S+ \/dev(\/|$)/.test(k))).toEqual([]);
      expect(JSON.stringify(template.toJSON())).not.toMatch(/"(GET|POST|PUT|PATCH|DELETE|ANY) \/dev/);
    });

    it('refuses a /dev route in the route table', () => {
      const app = newApp();
      const { stateful } = buildApp(app);
      expect(
        () =>
          new ServiceStack(app, 'WithDevRoute', {
            config: readStageConfig(app.node),
            key: stateful.key,
            table: stateful.table,
            attachmentsBucket: stateful.attachmentsBucket,
            userPool: stateful.userPool,
            userPoolClient: stateful.userPoolClient,
            whatsappTokenSecret: stateful.whatsappTokenSecret,
            routes: [{ method: 'POST', path: '/dev/token', fn: 'meta', auth: 'none' }],
          }),
      ).toThrow(/\/dev routes exist only in the local runtime/);
    });

    it('checks JWTs issued by the user pool for its app client', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: {
            'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', Match.anyValue()]],
          },
          Audience: [Match.anyValue()],
        },
      });
      const jwt = (Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0] as Resource).Properties.JwtConfiguration;
      const poolRef = JSON.stringify(jwt.Issuer['Fn::Join'][1][3]);
      const clientRef = JSON.stringify(jwt.Audience[0]);
      const statefulOutputs = statefulTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
      const outputValue = (ref: string) => {
        const name = /"OutputName":"([^"]+)"/.exec(ref)?.[1] ?? /"Fn::ImportValue":"([^"]+)"/.exec(ref)?.[1];
        return Object.entries(statefulOutputs).find(([id, o]) => id === name || (o as any).Export?.Name === name)?.[1].Value;
      };
      const [poolId] = Object.keys(statefulTemplate.findResources('AWS::Cognito::UserPool'));
      const [clientId] = Object.keys(statefulTemplate.findResources('AWS::Cognito::UserPoolClient'));
      expect(outputValue(poolRef)).toEqual({ Ref: poolId });
      expect(outputValue(clientRef)).toEqual({ Ref: clientId });
    });

    it("each route invokes the function its record names", () => {
      for (const route of routes) {
        const target = routeResource(route).Properties.Target['Fn::Join'][1][1].Ref as string;
        const integration = resources[target]!;
        expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
        expect(integration.Properties.IntegrationUri, routeKey(route)).toEqual({
          'Fn::GetAtt': [functionIdByGroup.get(route.fn), 'Arn'],
        });
        expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
      }
    });

    it('lets API Gateway invoke each function through one permission for the whole API', () => {
      for (const fnId of functionIdByGroup.values()) {
        const permissions = template.findResources('AWS::Lambda::Permission', {
          Properties: { FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] }, Principal: 'apigateway.amazonaws.com' },
        });
        expect(Object.keys(permissions)).toHaveLength(1);
      }
    });

    it('logs access as JSON to a KMS-encrypted log group and throttles routes by default', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
      expect(stage.Properties.StageName).toBe('$default');
      expect(stage.Properties.AutoDeploy).toBe(true);
      expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 });
      const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
      expect(resources[logGroupId]!.Properties.KmsKeyId).toBeDefined();
      const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
    });

    it('takes throttling and CORS origins from context', () => {
      const { service } = buildApp(
        newApp({ throttleBurstLimit: '20', throttleRateLimit: '10', corsOrigins: 'https://app.example.org' }),
      );
      const t = Template.fromStack(service);
      t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
      });
      t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.org'] }),
      });
    });

    it('has no CORS configuration unless origins are given', () => {
      const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0] as Resource;
      expect(api.Properties.CorsConfiguration).toBeUndefined();
    });

    it('a record added becomes an API route backed by its function; a webhook gets no authorizer', () => {
      const app = newApp();
      const { stateful } = buildApp(app);
      const extraRoutes: ApiRoute[] = [
        ...routes,
        { method: 'POST', path: '/v1/not-yet-routed', fn: 'extra', auth: 'jwt' },
        { method: 'POST', path: '/webhooks/not-yet-routed', fn: 'extra', auth: 'webhook' },
      ];
      const stack = new ServiceStack(app, 'WithMoreRoutes', {
        config: readStageConfig(app.node),
        key: stateful.key,
        table: stateful.table,
        attachmentsBucket: stateful.attachmentsBucket,
        userPool: stateful.userPool,
        userPoolClient: stateful.userPoolClient,
        whatsappTokenSecret: stateful.whatsappTokenSecret,
        routes: extraRoutes,
        functionEntries: { ...functionEntries, extra: functionEntries.meta },
        streamConsumers: [],
      });
      const t = Template.fromStack(stack);
      // + 'extra', the delivery sweeper, the delivery queue's consumer and the SMS-inbound function (the table has `webhooks`)
      t.resourceCountIs('AWS::Lambda::Function', groups.length + 1 + 1 + 1 + 1);
      expect(stack.inbound?.smsInbound).toBeDefined();
      t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/not-yet-routed', AuthorizationType: 'JWT' });
      // A webhook has no JWT authorizer: its handler verifies the provider's signature.
      t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/not-yet-routed', AuthorizationType: 'NONE' });
    });
  });

  describe('functions', () => {
    it('creates one function per HTTP function name (and one per stream consumer)', () => {
      template.resourceCountIs('AWS::Lambda::Function', serviceFunctionCount);
      expect([...functionIdByGroup.keys()].sort()).toEqual([...groups].sort());
      expect(resources[smsInboundId]).toMatchObject({ Type: 'AWS::Lambda::Function', Properties: { Description: 'End User Messaging two-way SMS (SNS subscription)' } });
    });

    it('functions run Node.js 22 on arm64 with active tracing', () => {
      for (const t of [template, statefulTemplate]) {
        for (const fn of Object.values(t.findResources('AWS::Lambda::Function')) as Resource[]) {
          expect(fn.Properties.Runtime).toBe('nodejs22.x');
          expect(fn.Properties.Architectures).toEqual(['arm64']);
          expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
          expect(fn.Properties.Handler).toBe('index.handler');
        }
      }
    });

    it('gives every handler its table, bucket, stage and logging settings', () => {
      for (const fnId of functionIdByGroup.values()) {
        const vars = resources[fnId]!.Properties.Environment.Variables as Record<string, unknown>;
        expect(vars).toMatchObject({
          STAGE: 'dev',
          POWERTOOLS_SERVICE_NAME: 'practice-messaging',
          LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        });
        expect(vars.TABLE_NAME).toBeDefined();
        expect(vars.ATTACHMENTS_BUCKET).toBeDefined();
      }
    });

    it('log groups are encrypted and have a stage retention', () => {
      const groupsInStacks = [
        ...Object.values(template.findResources('AWS::Logs::LogGroup')),
        ...Object.values(statefulTemplate.findResources('AWS::Logs::LogGroup')),
      ] as Resource[];
      // one per function (handlers, stream consumers, pre-token trigger) and the API access log
      expect(groupsInStacks).toHaveLength(serviceFunctionCount + 2);
      for (const group of groupsInStacks) {
        expect(group.Properties.KmsKeyId).toBeDefined();
        expect(group.Properties.RetentionInDays).toBe(30);
      }
      for (const fnId of functionIdByGroup.values()) {
        const logGroup = resources[fnId]!.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(resources[logGroup]!.Type).toBe('AWS::Logs::LogGroup');
      }
    });

    it('keeps production logs for a year and retains them', () => {
      const { service } = buildApp(newApp({ stage: 'prod', authCallbackUrls: 'https://app.example.org/auth/callback' }));
      const logGroups = Object.values(Template.fromStack(service).findResources('AWS::Logs::LogGroup')) as Resource[];
      for (const group of logGroups) {
        expect(group.Properties.RetentionInDays).toBe(365);
        expect(group.DeletionPolicy).toBe('Retain');
      }
    });

    it('reserves concurrency of the HTTP functions only when the reservedConcurrency context key is set', () => {
      for (const fnId of functionIdByGroup.values()) {
        expect(resources[fnId]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
      }
      const { service } = buildApp(newApp({ reservedConcurrency: '5' }));
      const fns = Template.fromStack(service).findResources('AWS::Lambda::Function') as Record<string, Resource>;
      const http = new Set(
        [...service.handlers.values()].map((h) => service.getLogicalId(h.function.node.defaultChild as CfnFunction)),
      );
      expect(http.size).toBe(groups.length);
      for (const [id, fn] of Object.entries(fns)) {
        // Stream consumers are bounded by shards x parallelization factor instead; the sweeper runs one at a time.
        const sweeper = id === service.getLogicalId(service.sweeper.function.node.defaultChild as CfnFunction);
        // The SMS-inbound function takes inbound SMS as the webhooks function takes Twilio's, so it gets the same cap
        // (SNS invokes it asynchronously: a throttled notification is retried by Lambda, not lost).
        const smsInbound = id === service.getLogicalId(service.inbound!.smsInbound.function.node.defaultChild as CfnFunction);
        expect(fn.Properties.ReservedConcurrentExecutions, id).toBe(http.has(id) || smsInbound ? 5 : sweeper ? 1 : undefined);
      }
    });
  });

  describe('permissions', () => {
    const allPolicies = (): Resource[] => Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Resource[];
    const handlerPolicies = (): Resource[] => [...policyIdByGroup.values()].map((id) => resources[id]!);
    const statements = (policy: Resource): any[] => policy.Properties.PolicyDocument.Statement;
    const actions = (statement: any): string[] => [statement.Action].flat();
    /** A second service stack on the stateful stack of a fresh app, with `props` over the defaults. */
    const serviceStackWith = (id: string, props: Partial<ServiceStackProps>): ServiceStack => {
      const app = newApp();
      const { config, stateful } = buildApp(app);
      const { key, table, attachmentsBucket, userPool, userPoolClient, whatsappTokenSecret } = stateful;
      return new ServiceStack(app, id, { config, key, table, attachmentsBucket, userPool, userPoolClient, whatsappTokenSecret, ...props });
    };

    it('function roles use customer-managed policies only, without wildcard actions', () => {
      expect(allPolicies()).toHaveLength(serviceFunctionCount);
      expect(handlerPolicies()).toHaveLength(groups.length);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Resource[]) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        expect(role.Properties.Policies).toBeUndefined();
      }
      for (const policy of allPolicies()) {
        for (const statement of statements(policy)) {
          expect(actions(statement).filter((a) => a.includes('*'))).toEqual([]);
        }
      }
    });

    const dataPolicies = (): Resource[] => {
      const meta = policyIdByGroup.get('meta');
      return Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
        .filter(([id]) => id !== meta)
        .map(([, policy]) => policy as Resource);
    };

    it('functions may read and write items and query every index, but never scan', () => {
      for (const policy of dataPolicies()) {
        const all = statements(policy);
        const dynamo = all.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
        const granted = dynamo.flatMap(actions);
        expect(granted).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem']));
        expect(granted).not.toContain('dynamodb:Scan');
        const indexStatement = dynamo.find((s) => s.Sid === 'TableIndexQueries');
        expect(indexStatement.Resource).toHaveLength(globalIndexes.length);
        const rendered = JSON.stringify(indexStatement.Resource);
        for (const index of globalIndexes) expect(rendered).toContain(`/index/${index.indexName}`);
      }
    });

    it('handlers of tenant data use the data key; only the attachments function (and the inbound webhooks) may touch the attachments bucket, under files/ only', () => {
      for (const [group, id] of policyIdByGroup) {
        const granted = statements(resources[id]!).flatMap(actions);
        if (group !== 'meta') expect(granted, group).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']));
        const s3 = granted.filter((a) => a.startsWith('s3:')).sort();
        if (group === 'attachments') {
          expect(s3).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging']);
          const objects = statements(resources[id]!).find((st) => st.Sid === 'AttachmentObjects');
          expect(JSON.stringify(objects.Resource)).toMatch(/\/files\/\*"/);
          const list = statements(resources[id]!).find((st) => st.Sid === 'AttachmentBucketList');
          expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['files/*'] } });
        } else if (group !== 'webhooks') {
          // The inbound webhooks store received files as attachments: their grants are tested with the inbound infrastructure.
          expect(s3, group).toEqual([]);
        }
      }
    });

    it('the SMS-inbound function (End User Messaging SNS subscriber) uses the table and key, and no bucket or secret', () => {
      const inbound = built().service.inbound!;
      const policy = resources[built().service.getLogicalId(inbound.smsInbound.role.policy.node.defaultChild as CfnManagedPolicy)]!;
      const granted = statements(policy).flatMap(actions);
      expect(granted).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'kms:Decrypt']));
      // An End User Messaging SMS carries no files: nothing of S3 (attachments or raw mail), no secret.
      expect(granted.filter((a) => /^(s3|secretsmanager|sqs|sns|ses):/.test(a))).toEqual([]);
    });

    it('the meta function (health, OpenAPI document) has no table, key or bucket access', () => {
      const meta = resources[policyIdByGroup.get('meta')!]!;
      const granted = statements(meta).flatMap(actions);
      expect(granted.filter((a) => /^(dynamodb|kms|s3|secretsmanager|sqs|sns|ses):/.test(a))).toEqual([]);
      // What is left: its own log group and X-Ray.
      expect(granted.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    });

    it('a function that serves only public routes gets no data access, whatever it is named', () => {
      const stack = serviceStackWith('PublicOnly', {
        routes: [
          { method: 'GET', path: '/status', fn: 'status', auth: 'none' },
          { method: 'GET', path: '/v1/things', fn: 'things', auth: 'jwt' },
        ],
        functionEntries: { status: functionEntries.meta, things: functionEntries.meta },
        streamConsumers: [],
      });
      const policyOf = (fn: string) =>
        JSON.stringify(Template.fromStack(stack).toJSON().Resources[
          stack.getLogicalId(stack.handlers.get(fn)!.role.policy.node.defaultChild as CfnManagedPolicy)
        ]);
      expect(policyOf('status')).not.toMatch(/dynamodb:|kms:|s3:/);
      expect(policyOf('things')).toMatch(/dynamodb:GetItem/);
      expect(policyOf('things')).toMatch(/kms:Decrypt/);
      expect(policyOf('things')).not.toMatch(/s3:/);
    });

    it('only a function named as handling attachments gets object access to the attachments bucket', () => {
      const stack = serviceStackWith('WithAttachments', { attachmentFunctions: ['conversations'], streamConsumers: [] });
      const t = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
      for (const [group, handler] of stack.handlers) {
        const policy = t[stack.getLogicalId(handler.role.policy.node.defaultChild as CfnManagedPolicy)]!;
        const granted = statements(policy).flatMap(actions).filter((a) => a.startsWith('s3:'));
        if (group === 'conversations') {
          expect(granted.sort()).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging']);
        } else if (group === 'webhooks') {
          // Not through attachmentFunctions: the inbound webhooks always store received files (email parts, WhatsApp
          // media) as attachments under files/, and read raw inbound mail under inbound/ of the inbound mail bucket.
          const s3 = statements(policy).filter((st) => actions(st).some((a) => a.startsWith('s3:')));
          expect(Object.fromEntries(s3.map((st) => [st.Sid, actions(st).sort()])), group).toEqual({
            AttachmentObjects: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
            AttachmentBucketList: ['s3:ListBucket'],
            InboundMailRead: ['s3:GetObject'],
          });
          const resolved = (sid: string) => JSON.stringify(stack.resolve(s3.find((st) => st.Sid === sid).Resource));
          expect(resolved('AttachmentObjects')).toMatch(/\/files\/\*"/);
          expect(resolved('InboundMailRead')).toMatch(/\/inbound\/\*"/);
          expect(resolved('InboundMailRead')).toContain(stack.getLogicalId(stack.inbound!.inboundBucket.node.defaultChild as CfnBucket));
        } else {
          expect(granted, group).toEqual([]);
        }
      }
    });
  });

  describe('alarms', () => {
    const alarms = (): Resource[] => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    // The alarm topic by its logical id: the inbound SNS topics (SES mail, SES events, End User Messaging) are in the stack too.
    const topicId = (): string => alarmTopicId;

    it('alarms on API 5xx and on function errors', () => {
      const api5xx = alarms().filter((a) => a.Properties.Namespace === 'AWS/ApiGateway' && a.Properties.MetricName === '5xx');
      expect(api5xx).toHaveLength(1);
      for (const fnId of functionIdByGroup.values()) {
        for (const metric of ['Errors', 'Throttles']) {
          const matching = alarms().filter(
            (a) =>
              a.Properties.Namespace === 'AWS/Lambda' &&
              a.Properties.MetricName === metric &&
              JSON.stringify(a.Properties.Dimensions).includes(fnId),
          );
          expect(matching, `${metric} of ${fnId}`).toHaveLength(1);
        }
      }
    });

    it('also alarms on errors and throttles of the Cognito trigger and of each stream consumer', () => {
      const lambdaAlarms = alarms().filter((a) => a.Properties.Namespace === 'AWS/Lambda' && ['Errors', 'Throttles'].includes(a.Properties.MetricName));
      expect(lambdaAlarms).toHaveLength(2 * (serviceFunctionCount + 1));
    });

    it('every alarm notifies the alarm topic on ALARM and OK', () => {
      for (const alarm of alarms()) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
        expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId() }]);
      }
    });

    it('the alarm topic is KMS-encrypted and accepts TLS publishers only', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('subscribes the alarm email only when one is given', () => {
      // Without alarmEmail the only subscriptions are the inbound ones (lib/constructs/webhook-inbound.ts): POST /webhooks/ses
      // on the SES inbound mail and SES events topics over HTTPS, and the SMS-inbound function on the End User Messaging topic.
      const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')) as Resource[];
      expect(subscriptions.filter((sub) => JSON.stringify(sub.Properties.TopicArn) === JSON.stringify({ Ref: alarmTopicId }))).toEqual([]);
      expect(subscriptions.map((sub) => sub.Properties.Protocol).sort()).toEqual(['https', 'https', 'lambda']);
      expect(subscriptions.filter((sub) => sub.Properties.Protocol === 'email')).toEqual([]);
      const lambda = subscriptions.find((sub) => sub.Properties.Protocol === 'lambda')!;
      expect(lambda.Properties.Endpoint).toEqual({ 'Fn::GetAtt': [smsInboundId, 'Arn'] });
      for (const https of subscriptions.filter((sub) => sub.Properties.Protocol === 'https')) {
        expect(JSON.stringify(https.Properties.Endpoint)).toMatch(/webhooks\/ses"/);
      }
      const { service } = buildApp(newApp({ alarmEmail: 'oncall@example.org' }));
      const withEmail = Template.fromStack(service);
      const alarmTopic = service.getLogicalId(service.alarms.topic.node.defaultChild as CfnTopic);
      const email = Object.values(withEmail.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } })) as Resource[];
      expect(email).toHaveLength(1);
      expect(email[0]!.Properties).toMatchObject({ Endpoint: 'oncall@example.org', TopicArn: { Ref: alarmTopic } });
    });
  });

  it('outputs the API URL, user pool, client, table, bucket, configuration set and token secret', () => {
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'UserPoolId',
        'UserPoolClientId',
        'TableName',
        'AttachmentsBucketName',
        'EmailConfigurationSetName',
        'WhatsAppTokenSecretArn',
      ]),
    );
  });

  it('the service stack deploys after the stateful stack', () => {
    const { stateful, service } = buildApp(newApp());
    expect(service.dependencies).toContain(stateful);
    expect(Stack.of(service.api)).toBe(service);
  });
});
