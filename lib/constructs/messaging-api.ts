import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import { routeKey, type Route } from '../routes.js';

/** Per-route throttle of each provider webhook route (requests per second, burst). */
export const WEBHOOK_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** What the API needs of a route record: where it is, who may call it, which function serves it. */
export type ApiRoute = Pick<Route, 'method' | 'path' | 'auth'> & { readonly fn: string };

export interface MessagingApiProps {
  readonly stage: string;
  /** The route records (lambdas/http/routes/, through lib/routes.ts). */
  readonly routes: readonly ApiRoute[];
  /** The function serving each function name used by `routes`. */
  readonly handlers: ReadonlyMap<string, IFunction>;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
  readonly retainLogs: boolean;
  readonly throttleBurstLimit: number;
  readonly throttleRateLimit: number;
  readonly corsOrigins: readonly string[];
}

/** Fields of each access log line: ids and request metadata only, never bodies or query strings. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
  practiceId: '$context.authorizer.claims.practice_id',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
} as const;

/**
 * The public HTTP API, generated from the route records: one route per record,
 * backed by the function named in its record; routes whose auth is 'jwt' get the Cognito JWT
 * authorizer, 'webhook' and 'none' routes get none. The `$default` stage writes JSON access
 * logs to a KMS-encrypted log group and throttles every route by default.
 */
export class MessagingApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogGroup: LogGroup;
  /** Every route created, keyed by `METHOD /path`. */
  readonly routes = new Map<string, HttpRoute>();

  constructor(scope: Construct, id: string, props: MessagingApiProps) {
    super(scope, id);
    const { region } = Stack.of(this);

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `practice-messaging-${props.stage}`,
      description: `Practice messaging API (${props.stage})`,
      createDefaultStage: false,
      corsPreflight:
        props.corsOrigins.length === 0
          ? undefined
          : {
              allowOrigins: [...props.corsOrigins],
              allowMethods: corsMethods(props.routes),
              allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
              exposeHeaders: ['location'],
              allowCredentials: false,
              maxAge: Duration.hours(1),
            },
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: props.throttleBurstLimit, rateLimit: props.throttleRateLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // HTTP APIs have neither X-Ray tracing nor execution logging (REST-only features, which the
    // packs only check on REST stages); the functions behind the API trace actively instead.

    this.authorizer = new HttpJwtAuthorizer(
      'CognitoAuthorizer',
      `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
      {
        authorizerName: 'cognito',
        identitySource: ['$request.header.Authorization'],
        // Access tokens carry `client_id` rather than `aud`; API Gateway accepts either as the audience.
        jwtAudience: [props.userPoolClient.userPoolClientId],
      },
    );

    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (group: string): HttpLambdaIntegration => {
      let integration = integrations.get(group);
      if (!integration) {
        const fn = props.handlers.get(group);
        if (!fn) throw new Error(`No function named "${group}" (lambdas/http/routes/index.ts routesByFunction)`);
        // One invoke permission per function for the whole API, not one per route: the
        // function's resource policy stays small however many routes the table grows to.
        integration = new HttpLambdaIntegration(`${group}Integration`, fn, { scopePermissionToRoute: false });
        integrations.set(group, integration);
      }
      return integration;
    };

    const webhookRouteKeys: string[] = [];
    for (const route of props.routes) {
      if (route.path.startsWith('/dev/') || route.path === '/dev') {
        throw new Error(`Route ${routeKey(route)}: /dev routes exist only in the local runtime`);
      }
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration: integrationFor(route.fn),
        authorizer: route.auth === 'jwt' ? this.authorizer : new HttpNoneAuthorizer(),
      });
      if (!created) throw new Error(`Route ${routeKey(route)} was not created`);
      this.routes.set(routeKey(route), created);
      if (route.auth === 'webhook') webhookRouteKeys.push(routeKey(route));
      if (route.auth !== 'jwt') {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'webhook'
              ? `${routeKey(route)} is a provider webhook (auth 'webhook' in its route record): no JWT, the handler verifies the provider's signature over the raw body before anything is parsed or stored.`
              : `${routeKey(route)} is public by contract (API.md: health check and the OpenAPI document, auth 'none' in its route record); it returns no tenant data.`,
        });
      }
    }
    this.throttleWebhooks(webhookRouteKeys);
  }

  /**
   * Webhook routes have no authorizer: each gets its own stage throttle (a flood of forged
   * requests, each answered 401 after a signature check, cannot use up the API's budget).
   */
  private throttleWebhooks(routeKeys: readonly string[]): void {
    if (routeKeys.length === 0) return;
    const cfn = this.stage.node.defaultChild as CfnStage;
    // RouteSettings is a JSON map in CloudFormation: its values keep CloudFormation's own casing.
    cfn.routeSettings = Object.fromEntries(
      routeKeys.map((key) => [key, { ThrottlingBurstLimit: WEBHOOK_THROTTLE.burstLimit, ThrottlingRateLimit: WEBHOOK_THROTTLE.rateLimit }]),
    );
  }

  /** The invoke URL of the `$default` stage. */
  get url(): string {
    return this.stage.url;
  }
}

function corsMethods(routes: readonly ApiRoute[]): CorsHttpMethod[] {
  const methods = new Set<CorsHttpMethod>([CorsHttpMethod.OPTIONS]);
  for (const route of routes) methods.add(route.method as CorsHttpMethod);
  return [...methods];
}
