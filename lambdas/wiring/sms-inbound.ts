/**
 * The End User Messaging SMS subscriber's composition: the inbound sink without the file
 * intake (an SMS carries no files: adapters/webhooks/eum-payload.ts), so no S3 client; the
 * same router and metrics as the webhook edge.
 */
import type { IntakeDeps } from '../adapters/webhooks/intake.js';
import { inboundSink } from '../use-cases/inbound/index.js';
import { inboundRecordDeps } from './inbound-records.js';
import { route, webhookMetrics } from './webhook-intake.js';

export { webhookMetrics };

export const smsIntakeDeps: IntakeDeps & { now: () => Date } = {
  sink: inboundSink(inboundRecordDeps),
  route,
  metrics: webhookMetrics,
  now: () => new Date(),
};
