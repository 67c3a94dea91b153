/**
 * Configuration, read once at module load and validated. On AWS the stack sets these; the
 * local runtime sets them (with emulator endpoints) before it imports any handler.
 * On zod's mini build (no OpenAPI here): every function loads this module, and classic zod would
 * otherwise ship in functions that have no HTTP schema (stream consumers, the delivery pipeline).
 */
import * as z from 'zod/mini';

const Env = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  ATTACHMENTS_BUCKET: z._default(z.string(), ''),
  /** GuardDuty Malware Protection for S3 scans the attachments bucket: a file is ready only once its scan tag says NO_THREATS_FOUND. */
  MALWARE_SCAN: z._default(z.enum(['on', 'off']), 'off'),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  STAGE: z._default(z.string(), 'dev'),
  /** Emulator endpoints: set only by the local runtime. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  S3_ENDPOINT: z.optional(z.url()),
  SES_ENDPOINT: z.optional(z.url()),
  /** Providers: `aws` (SES, SNS, WhatsApp Cloud API) or `local` (SES emulator, local outbox). */
  PROVIDER_MODE: z._default(z.enum(['aws', 'local']), 'aws'),
  SES_FROM_ADDRESS: z._default(z.string(), 'no-reply@example.com'),
  SES_CONFIGURATION_SET: z.optional(z.string()),
  SMS_ORIGINATION_NUMBER: z.optional(z.string()),
  WHATSAPP_PHONE_NUMBER_ID: z.optional(z.string()),
  WHATSAPP_TOKEN_SECRET_ID: z.optional(z.string()),
  /** The secret list cursors are sealed with: a Secrets Manager secret on AWS, the value itself locally. */
  CURSOR_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  CURSOR_SECRET: z.optional(z.string().check(z.minLength(32))),
  /** Attempts of one delivery before it ends as failed. */
  DELIVERY_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(20)), 5),
  /** A delivery `sending` for longer than this is taken as crashed mid-send (ends `outcome_unknown`). */
  DELIVERY_LEASE_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 5 * 60),
  /** The longest wait after a provider throttle (the fault-injection run shortens it). */
  DELIVERY_MAX_THROTTLE_DELAY_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive(), z.maximum(900)), 900),
  /** The SQS delivery queue (set by the stack on the functions that enqueue or consume deliveries). */
  DELIVERY_QUEUE_URL: z.optional(z.string().check(z.minLength(1))),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 24 * 60 * 60),
  /** Webhooks on AWS: Secrets Manager secrets (the Twilio auth token; the WhatsApp app secret and verify token as JSON `appSecret`, `verifyToken`). */
  TWILIO_AUTH_TOKEN_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  WHATSAPP_WEBHOOK_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  /** Webhooks locally (never set on AWS): the secrets themselves, the SNS certificate file, the public base URL Twilio signs over. */
  TWILIO_AUTH_TOKEN: z.optional(z.string().check(z.minLength(1))),
  WHATSAPP_APP_SECRET: z.optional(z.string().check(z.minLength(1))),
  WHATSAPP_VERIFY_TOKEN: z.optional(z.string().check(z.minLength(1))),
  SNS_SIGNING_CERT_FILE: z.optional(z.string().check(z.minLength(1))),
  PUBLIC_BASE_URL: z.optional(z.url()),
  /** SNS topics `POST /webhooks/ses` accepts (comma-separated); on AWS the stack's SES topics, locally any when unset. */
  SNS_TOPIC_ARNS: z._default(z.string(), ''),
  /** The bucket the SES receipt rule's S3 action writes raw inbound mail to. */
  INBOUND_EMAIL_BUCKET: z._default(z.string(), ''),
});

export type Config = z.infer<typeof Env>;

/** Parses an environment; throws naming only the invalid variables (never their values). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  return parsed.data;
}

export const config: Config = parseConfig(process.env);
