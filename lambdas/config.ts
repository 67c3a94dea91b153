/**
 * Configuration, read once at module load and validated. On AWS the stack sets these; the
 * local runtime sets them (with emulator endpoints) before it imports any handler.
 */
import { z } from 'zod';

const Env = z.object({
  TABLE_NAME: z.string().min(1),
  ATTACHMENTS_BUCKET: z.string().default(''),
  AWS_REGION: z.string().default('us-east-1'),
  STAGE: z.string().default('dev'),
  /** Emulator endpoints: set only by the local runtime. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  SES_ENDPOINT: z.url().optional(),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().positive().default(24 * 60 * 60),
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
