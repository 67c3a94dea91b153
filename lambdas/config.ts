/**
 * Configuration, read once at module load and validated. On AWS the stack sets these; the
 * local runtime sets them (with emulator endpoints) before it imports any handler.
 */
import * as z from 'zod';

const Env = z.object({
  TABLE_NAME: z.string().min(1),
  ATTACHMENTS_BUCKET: z.string().default(''),
  /** GuardDuty Malware Protection for S3 scans the attachments bucket: a file is ready only once its scan tag says NO_THREATS_FOUND. */
  MALWARE_SCAN: z.enum(['on', 'off']).default('off'),
  AWS_REGION: z.string().default('us-east-1'),
  STAGE: z.string().default('dev'),
  /** Emulator endpoints: set only by the local runtime. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  SES_ENDPOINT: z.url().optional(),
  /** Providers: `aws` (SES, SNS, WhatsApp Cloud API) or `local` (SES emulator, local outbox). */
  PROVIDER_MODE: z.enum(['aws', 'local']).default('aws'),
  SES_FROM_ADDRESS: z.string().default('no-reply@example.com'),
  SES_CONFIGURATION_SET: z.string().optional(),
  SMS_ORIGINATION_NUMBER: z.string().optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().optional(),
  WHATSAPP_TOKEN_SECRET_ID: z.string().optional(),
  /** The secret list cursors are sealed with: a Secrets Manager secret on AWS, the value itself locally. */
  CURSOR_SECRET_ID: z.string().min(1).optional(),
  CURSOR_SECRET: z.string().min(32).optional(),
  /** Attempts of one delivery before it ends as failed. */
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** A delivery `sending` for longer than this is taken as crashed mid-send (ends `outcome_unknown`). */
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().positive().default(5 * 60),
  /** The longest wait after a provider throttle (the fault-injection run shortens it). */
  DELIVERY_MAX_THROTTLE_DELAY_SECONDS: z.coerce.number().int().positive().max(900).default(900),
  /** The SQS delivery queue (set by the stack on the functions that enqueue or consume deliveries). */
  DELIVERY_QUEUE_URL: z.string().min(1).optional(),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().positive().default(24 * 60 * 60),
  /** Webhooks on AWS: Secrets Manager secrets (the Twilio auth token; the WhatsApp app secret and verify token as JSON `appSecret`, `verifyToken`). */
  TWILIO_AUTH_TOKEN_SECRET_ID: z.string().min(1).optional(),
  WHATSAPP_WEBHOOK_SECRET_ID: z.string().min(1).optional(),
  /** Webhooks locally (never set on AWS): the secrets themselves, the SNS certificate file, the public base URL Twilio signs over. */
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  SNS_SIGNING_CERT_FILE: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  /** SNS topics `POST /webhooks/ses` accepts (comma-separated); on AWS the stack's SES topics, locally any when unset. */
  SNS_TOPIC_ARNS: z.string().default(''),
  /** The bucket the SES receipt rule's S3 action writes raw inbound mail to. */
  INBOUND_EMAIL_BUCKET: z.string().default(''),
});

export type Config = z.infer<typeof Env>;

function load(): Config {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  return parsed.data;
}

export const config: Config = load();
