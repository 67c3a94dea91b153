/**
 * Composition of the webhook edge (the channel settings routes: lambdas/wiring/channels.ts):
 * the router and webhook metrics (lambdas/wiring/webhook-intake.ts), the inbound sink, and the
 * provider-facing pieces built from configuration (adapters/webhooks/edge-deps.ts).
 */
import { webhookEdgeDeps } from './adapters/webhooks/edge-deps.js';
import { config } from './config.js';
import { inbound } from './inbound-wiring.js';
import { route, webhookMetrics } from './wiring/webhook-intake.js';

export { webhookMetrics };

export const webhookDeps = webhookEdgeDeps(config, {
  sink: inbound,
  route,
  metrics: webhookMetrics,
});
