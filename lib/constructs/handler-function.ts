import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  type AddToPrincipalPolicyResult,
  ManagedPolicy,
  PolicyStatement,
  Role,
  type RoleProps,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  ApplicationLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag-acknowledgements.js';
import { aliasArgs, LAMBDA_BUNDLING } from '../lambda-bundling.js';

/** Repository root: lib/constructs/ is two levels below it. Entries and the lock file are resolved from here. */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SERVICE_NAME = 'practice-messaging';

export interface HandlerFunctionProps {
  /** Entry module, relative to the repository root (as in lib/routes.ts `functionEntries`). */
  readonly entry: string;
  readonly description: string;
  readonly stage: string;
  /** Key that encrypts the function's log group. */
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
  /** Keep the log group when the stack is deleted (production). */
  readonly retainLogs: boolean;
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** Reserved concurrency; when undefined the function draws on the account pool (acknowledged). */
  readonly reservedConcurrency?: number;
  /** Why the function has no reserved concurrency, when `reservedConcurrency` is undefined. */
  readonly unreservedConcurrencyReason?: string;
  /** Why this function has no dead-letter queue (written into the nag acknowledgement). */
  readonly noDeadLetterQueueReason: string;
  /** Why this function runs outside a VPC; defaults to the reason of a function that only calls AWS endpoints. */
  readonly noVpcReason?: string;
}

/**
 * A role whose permissions all live in one customer-managed policy instead of CDK's inline
 * DefaultPolicy (HIPAA.Security-IAMNoInlinePolicy). Every statement added through the usual
 * APIs (`grant*`, tracing, event sources, `addToRolePolicy`) lands in that managed policy, and
 * anything depending on the role (the function) also depends on the policy, its child.
 */
export class ManagedPolicyRole extends Role {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: RoleProps & { readonly initialStatements: PolicyStatement[] }) {
    const { initialStatements, ...roleProps } = props;
    super(scope, id, roleProps);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: props.description,
      statements: initialStatements,
      roles: [this],
    });
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

/**
 * A Lambda function the way this project runs them: Node.js 22 on arm64, an ESM bundle made
 * by the locally installed esbuild (everything bundled, AWS SDK included), X-Ray tracing,
 * JSON logs into its own KMS-encrypted log group with a stage-dependent retention, and its own
 * role that may write only to that log group (no AWS managed policy).
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: ManagedPolicyRole;
  /** Reasons of every statement whose resource is "*", joined into the one AwsSolutions-IAM5[Resource::*] acknowledgement. */
  private readonly wildcardResourceReasons: string[] = [];

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${SERVICE_NAME} ${props.stage}: ${props.description}`.slice(0, 1000),
      initialStatements: [
        new PolicyStatement({
          sid: 'WriteOwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });

    const entry = isAbsolute(props.entry) ? props.entry : join(repositoryRoot, props.entry);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      reservedConcurrentExecutions: props.reservedConcurrency,
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      environment: {
        STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: true,
        target: LAMBDA_BUNDLING.target,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        // A Lambda bundle serves the OpenAPI document generated at build time (docs/openapi.json):
        // the generator is not bundled (lambdas/handlers/http/meta.ts).
        define: { ...LAMBDA_BUNDLING.define },
        banner: LAMBDA_BUNDLING.banner,
        // The environment-only credential provider in place of the SDK's Node chain (lib/lambda-bundling.ts).
        esbuildArgs: { '--alias': aliasArgs() },
        // Bundle everything, AWS SDK v3 included: the bundle then carries the SDK version the
        // code was tested with instead of whatever the runtime ships.
        externalModules: [],
        // Never fall back to Docker: bundling uses the esbuild installed in node_modules.
        forceDockerBundling: false,
      },
    });

    const acknowledge = Validations.of(this.function);
    acknowledge.acknowledge(
      {
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason:
          props.noVpcReason ??
          'The function only calls AWS public service endpoints (DynamoDB, S3, KMS, X-Ray, CloudWatch Logs) over TLS with SigV4/IAM auth; it reaches no private network resource, so a VPC would add NAT cost and cold-start latency without reducing exposure.',
      },
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason: props.noDeadLetterQueueReason,
      },
      {
        id: 'Serverless-LambdaDLQ',
        reason: props.noDeadLetterQueueReason,
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'Node.js 22 is the runtime this project targets and tests against (DESIGN.md: Node 22 on Lambda, esbuild target node22); moving to a newer runtime is a deliberate, tested upgrade, not a synth-time default.',
      },
      {
        id: 'Serverless-LambdaLatestVersion',
        reason: 'Node.js 22 is the runtime this project targets and tests against (DESIGN.md: Node 22 on Lambda, esbuild target node22); moving to a newer runtime is a deliberate, tested upgrade, not a synth-time default.',
      },
    );
    if (props.reservedConcurrency === undefined) {
      acknowledge.acknowledge({
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          props.unreservedConcurrencyReason ??
          'Reserved concurrency is opt-in via the `reservedConcurrency` context key: Lambda refuses a reservation that leaves fewer than 100 unreserved executions, so reserving by default fails on new or small accounts. Load is bounded by the HTTP API stage throttling instead.',
      });
    }

    // X-Ray has no resource-level permissions: tracing needs xray:PutTraceSegments and
    // xray:PutTelemetryRecords on "*" (added by `tracing: ACTIVE`).
    this.wildcardResourceReasons.push(
      'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level scoping (the resource must be "*").',
    );
    acknowledgeWildcardResource(this.role, '*', () => {
      const others = this.wildcardResourceReasons.length > 1 ? '' : ' No other action is granted on "*".';
      return this.wildcardResourceReasons.join(' ') + others;
    });
  }

  /**
   * Records why a statement added to this function's policy needs the resource "*": the reason
   * becomes part of the function's single AwsSolutions-IAM5[Resource::*] acknowledgement.
   */
  acknowledgeWildcardResource(reason: string): void {
    this.wildcardResourceReasons.push(reason);
  }

  /** Adds permissions to the function's managed policy. */
  addToPolicy(...statements: PolicyStatement[]): void {
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
  }
}
