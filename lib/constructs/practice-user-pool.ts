import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function.js';

/** Names of the custom attributes (Cognito prefixes them with `custom:`). */
export const PRACTICE_ID_ATTRIBUTE = 'practice_id';
export const ROLE_ATTRIBUTE = 'role';
/**
 * The caller's id in the practice directory (staff or patient record id), when it differs from
 * the Cognito `sub`; the API reads the `directory_id` claim before `sub` (lambdas/http/auth.ts).
 */
export const DIRECTORY_ID_ATTRIBUTE = 'directory_id';

export const PRE_TOKEN_ENTRY = 'lambdas/handlers/cognito/pre-token.ts';

/** The sign-in settings production refuses to weaken, by the CDK context key that sets each. */
export interface SignInSettings {
  readonly mfa: 'required' | 'optional';
  /** ALLOW_ADMIN_USER_PASSWORD_AUTH on the app client (AdminInitiateAuth with a password). */
  readonly adminPasswordAuth: boolean;
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
}

const isLocalhost = (value: string): boolean => {
  const host = URL.canParse(value) ? new URL(value).hostname : '';
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
};

/**
 * What a production user pool refuses, as `[context key, reason]` pairs (empty when none):
 * optional MFA, admin password sign-in, and a missing or localhost callback or sign-out URL.
 * lib/stacks/config.ts turns the first into a synth error naming the key; the construct checks
 * the same rule again for anyone who builds it directly.
 */
export function productionSignInProblems(settings: SignInSettings): [key: string, reason: string][] {
  const problems: [string, string][] = [];
  if (settings.mfa !== 'required') {
    problems.push(['mfa', 'a production stage requires MFA: remove `-c mfa=optional` (optional MFA is for scripted test stages only)']);
  }
  if (settings.adminPasswordAuth) {
    problems.push(['adminPasswordAuth', 'a production stage refuses ALLOW_ADMIN_USER_PASSWORD_AUTH (password sign-in with IAM credentials skips SRP): remove `-c adminPasswordAuth=true`']);
  }
  const urls = [
    ['authCallbackUrls', settings.callbackUrls, 'https://app.example.org/auth/callback'],
    ['authLogoutUrls', settings.logoutUrls, 'https://app.example.org/'],
  ] as const;
  for (const [key, values, example] of urls) {
    if (values.length === 0) problems.push([key, `a production stage needs at least one https URL of the practice app (e.g. -c ${key}=${example})`]);
    const local = values.filter(isLocalhost);
    if (local.length > 0) problems.push([key, `a production stage refuses localhost URLs (${local.join(', ')}): give the practice app's https URLs`]);
  }
  return problems;
}

export interface PracticeUserPoolProps {
  readonly stage: string;
  /** A production stage: the sign-in settings must pass productionSignInProblems. */
  readonly production: boolean;
  readonly mfa: 'required' | 'optional';
  /** ALLOW_ADMIN_USER_PASSWORD_AUTH on the app client, for operators' smoke tests; never in production. */
  readonly adminPasswordAuth: boolean;
  readonly logKey: IKey;
  readonly logRetention: RetentionDays;
  readonly retainLogs: boolean;
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /** Hosted sign-in domain prefix, needed for the authorization code flow; none when undefined. */
  readonly domainPrefix?: string;
}

/**
 * The staff and patient directory of every practice. Operators create users (no self
 * sign-up) with `custom:practice_id`, `custom:role` and (for everyone but practice admins)
 * `custom:directory_id`; a V2 pre-token-generation trigger copies them into the ID and ACCESS
 * tokens as the `practice_id`, `role` and `directory_id` claims the API reads. Users sign in with their email; MFA is TOTP (no SMS: no SMS cost, no SIM-swap risk).
 */
export class PracticeUserPool extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly preTokenFunction: HandlerFunction;
  readonly domain: UserPoolDomain | undefined;

  constructor(scope: Construct, id: string, props: PracticeUserPoolProps) {
    super(scope, id);
    if (props.production) {
      const problems = productionSignInProblems(props);
      if (problems.length > 0) {
        throw new Error(problems.map(([key, reason]) => `CDK context "${key}": ${reason}`).join('; '));
      }
    }

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `practice-messaging-${props.stage}`,
      featurePlan: FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      customAttributes: {
        [PRACTICE_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        [ROLE_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
        [DIRECTORY_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 128, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: props.mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'The pool runs on the ESSENTIALS feature plan (needed for V2 pre-token claims in access tokens). PLUS (threat protection) is a per-MAU cost decision for the operator; brute force is limited by Cognito lockout, a 12-character password policy and TOTP MFA.',
    });
    if (props.mfa === 'optional') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason: 'MFA was set to optional through the `mfa` context key for this non-production stage (scripted test users); the default, and the production setting, is required TOTP MFA.',
      });
    }

    this.preTokenFunction = new HandlerFunction(this, 'PreTokenGeneration', {
      entry: PRE_TOKEN_ENTRY,
      description: 'Cognito pre-token-generation V2: copies custom:practice_id, custom:role and custom:directory_id into token claims',
      stage: props.stage,
      logKey: props.logKey,
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
      // Cognito waits at most 5 seconds for a trigger.
      timeout: Duration.seconds(5),
      memorySize: 256,
      noDeadLetterQueueReason: 'Invoked synchronously by Cognito while issuing tokens; a failure fails that sign-in and the client retries, so there is no asynchronous event to park in a dead-letter queue.',
      unreservedConcurrencyReason: 'Cognito invokes this trigger once per token issued, so its rate is bounded by Cognito authentication quotas; a reservation would make sign-in fail under a burst instead of scaling.',
    });

    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenFunction.function,
      LambdaVersion.V2_0,
    );

    this.domain = props.domainPrefix
      ? this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } })
      : undefined;

    this.client = this.userPool.addClient('Client', {
      userPoolClientName: `practice-messaging-${props.stage}`,
      generateSecret: false,
      authFlows: {
        userSrp: true,
        // Server-side sign-in with IAM credentials (AdminInitiateAuth), for operators' smoke
        // tests on non-production stages only (`adminPasswordAuth`).
        adminUserPassword: props.adminPasswordAuth,
      },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...props.callbackUrls],
        logoutUrls: [...props.logoutUrls],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(PRACTICE_ID_ATTRIBUTE, ROLE_ATTRIBUTE, DIRECTORY_ID_ATTRIBUTE),
      // Tenant, role and directory id are written by operators only (AdminUpdateUserAttributes):
      // a user who could write custom:practice_id with their own access token could move into
      // another practice.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
  }
}
