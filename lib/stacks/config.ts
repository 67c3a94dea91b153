import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { productionSignInProblems } from '../constructs/practice-user-pool.js';

/**
 * Stage settings, read once from CDK context (`-c key=value` on the command line, or the
 * `context` block of cdk.json) and validated. bin/app.ts documents every key for operators.
 */
export interface StageConfig {
  /** Stage name: part of stack names and resource names (`PracticeMessaging-<stage>-...`). */
  readonly stage: string;
  /** Production stages keep their log groups on stack deletion and default to longer log retention. */
  readonly isProduction: boolean;
  /** Sender address for outbound email (SES identity verified by the operator). */
  readonly sesFromAddress: string;
  /** Email subscribed to the alarm topic; no subscription when undefined. */
  readonly alarmEmail: string | undefined;
  /** Origins allowed by CORS on the HTTP API; CORS disabled when empty. */
  readonly corsOrigins: readonly string[];
  /** Default route throttling of the HTTP API stage. */
  readonly throttleBurstLimit: number;
  readonly throttleRateLimit: number;
  /** Retention of every Lambda and API access log group. */
  readonly logRetention: RetentionDays;
  /** Reserved concurrency of each HTTP handler function; unreserved when undefined. */
  readonly reservedConcurrency: number | undefined;
  /** Cognito MFA: 'required' (TOTP) or 'optional' (TOTP, for scripted test stages; refused in production). */
  readonly mfa: 'required' | 'optional';
  /** ALLOW_ADMIN_USER_PASSWORD_AUTH on the app client (operators' smoke tests); refused in production. */
  readonly adminPasswordAuth: boolean;
  /** OAuth authorization-code callback and sign-out URLs of the user pool client. */
  readonly authCallbackUrls: readonly string[];
  readonly authLogoutUrls: readonly string[];
  /** Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`); none when undefined. */
  readonly authDomainPrefix: string | undefined;
  /** SMS origination number (E.164) passed to SNS; '' uses the account's default origination identity. */
  readonly smsOriginationNumber: string;
  /** WhatsApp Business phone number id of the WhatsApp Cloud API; '' while WhatsApp is not set up. */
  readonly whatsappPhoneNumberId: string;
  /** Maximum concurrency of the delivery queue's consumer: match the provider's rate (default 5). */
  readonly deliveryConcurrency?: number;
  /** GuardDuty Malware Protection for S3 on the attachments bucket (context `malwareProtection`, off by default): files are ready only once scanned clean. */
  readonly malwareProtection: boolean;
}

const PRODUCTION_STAGES = new Set(['prod', 'production']);

const VALID_RETENTION = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

class ContextError extends Error {
  constructor(key: string, message: string) {
    super(`CDK context "${key}": ${message}`);
    this.name = 'ContextError';
  }
}

function raw(node: Node, key: string): unknown {
  const value: unknown = node.tryGetContext(key);
  return value === '' ? undefined : value;
}

function str(node: Node, key: string): string | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ContextError(key, 'must be a string');
  return value.trim() === '' ? undefined : value.trim();
}

function int(node: Node, key: string, min: number, max: number): number | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ContextError(key, `must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** `true`/`false` (cdk.json) or the strings "true"/"false" (`-c key=true`). */
function bool(node: Node, key: string): boolean | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ContextError(key, `must be true or false, got ${JSON.stringify(value)}`);
}

/** Accepts a JSON array (cdk.json) or a comma-separated string (`-c key=a,b`). */
function list(node: Node, key: string): string[] | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : String(value).split(',');
  return items.map((item) => {
    if (typeof item !== 'string') throw new ContextError(key, 'must be a list of strings');
    return item.trim();
  }).filter((item) => item !== '');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function urls(key: string, values: string[]): string[] {
  for (const value of values) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ContextError(key, `"${value}" is not a URL`);
    }
    const localHttp = url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
    if (url.protocol !== 'https:' && !localHttp) {
      throw new ContextError(key, `"${value}" must use https (http is only allowed for localhost)`);
    }
  }
  return values;
}

export function readStageConfig(node: Node): StageConfig {
  const stage = str(node, 'stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new ContextError('stage', 'must be 1-20 lower-case letters, digits or dashes, starting with a letter');
  }
  const isProduction = PRODUCTION_STAGES.has(stage);

  const sesFromAddress = str(node, 'sesFromAddress') ?? 'no-reply@example.com';
  if (!EMAIL.test(sesFromAddress)) throw new ContextError('sesFromAddress', 'must be an email address');

  const alarmEmail = str(node, 'alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    throw new ContextError('alarmEmail', 'must be an email address');
  }

  const corsOrigins = urls('corsOrigins', list(node, 'corsOrigins') ?? []);

  const logRetentionDays = int(node, 'logRetentionDays', 1, 3653) ?? (isProduction ? 365 : 30);
  if (!VALID_RETENTION.has(logRetentionDays)) {
    throw new ContextError('logRetentionDays', `${logRetentionDays} is not a CloudWatch Logs retention value`);
  }

  const mfa = str(node, 'mfa') ?? 'required';
  if (mfa !== 'required' && mfa !== 'optional') {
    throw new ContextError('mfa', 'must be "required" or "optional"');
  }

  const authDomainPrefix = str(node, 'authDomainPrefix');
  if (authDomainPrefix !== undefined && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(authDomainPrefix)) {
    throw new ContextError('authDomainPrefix', 'must be lower-case letters, digits and inner dashes (at most 63)');
  }
  if (authDomainPrefix !== undefined && /aws|amazon|cognito/.test(authDomainPrefix)) {
    throw new ContextError('authDomainPrefix', 'Cognito rejects prefixes containing "aws", "amazon" or "cognito"');
  }

  const smsOriginationNumber = str(node, 'smsOriginationNumber') ?? '';
  if (smsOriginationNumber !== '' && !/^\+[1-9]\d{1,14}$/.test(smsOriginationNumber)) {
    throw new ContextError('smsOriginationNumber', 'must be a phone number in E.164 form, e.g. +447700900123');
  }

  const whatsappPhoneNumberId = digits(node, 'whatsappPhoneNumberId') ?? '';

  // Production: no localhost defaults (the callback URL must be given; sign-out defaults to the
  // callback URLs' origins), no admin password sign-in unless asked for (and then refused).
  const authCallbackUrls = urls('authCallbackUrls', list(node, 'authCallbackUrls') ?? (isProduction ? [] : ['http://localhost:3000/auth/callback']));
  const authLogoutUrls = urls(
    'authLogoutUrls',
    list(node, 'authLogoutUrls') ?? (isProduction ? [...new Set(authCallbackUrls.map((u) => `${new URL(u).origin}/`))] : ['http://localhost:3000/']),
  );
  const adminPasswordAuth = bool(node, 'adminPasswordAuth') ?? !isProduction;
  if (isProduction) {
    const [problem] = productionSignInProblems({ mfa, adminPasswordAuth, callbackUrls: authCallbackUrls, logoutUrls: authLogoutUrls });
    if (problem) throw new ContextError(problem[0], problem[1]);
  }

  return {
    stage,
    isProduction,
    sesFromAddress,
    alarmEmail,
    corsOrigins,
    throttleBurstLimit: int(node, 'throttleBurstLimit', 1, 5000) ?? 200,
    throttleRateLimit: int(node, 'throttleRateLimit', 1, 10000) ?? 100,
    logRetention: logRetentionDays as RetentionDays,
    reservedConcurrency: int(node, 'reservedConcurrency', 1, 1000),
    mfa,
    adminPasswordAuth,
    authCallbackUrls,
    authLogoutUrls,
    authDomainPrefix,
    smsOriginationNumber,
    whatsappPhoneNumberId,
    deliveryConcurrency: int(node, 'deliveryConcurrency', 2, 1000),
    malwareProtection: bool(node, 'malwareProtection') ?? false,
  };
}

/** An id made of digits. Meta's ids can exceed 2^53: in cdk.json give them as strings (`-c key=...` always does). */
function digits(node: Node, key: string): string | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new ContextError(key, 'is too long for a JSON number: give it as a string');
  }
  const text = String(value).trim();
  if (text === '') return undefined;
  if (!/^\d{1,32}$/.test(text)) throw new ContextError(key, `must be digits only, got ${JSON.stringify(value)}`);
  return text;
}
