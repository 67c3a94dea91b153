/**
 * Composition of the webhook edge (the channel settings routes: lambdas/wiring/channels.ts):
 * the channel store and router, the webhook metrics, the inbound sink, and the
 * provider-facing pieces built from configuration (adapters/webhooks/edge-deps.ts).
 */
import { DynamoChannelSettingsStore } from './adapters/dynamo/channel-settings-repository.js';
import { METRICS_SERVICE } from './adapters/delivery-metric-names.js';
import { webhookEdgeDeps } from './adapters/webhooks/edge-deps.js';
import { countingWebhookMetrics, emfWebhookMetrics } from './adapters/webhooks/webhook-metrics.js';
import { config } from './config.js';
import { practiceForDestination } from './use-cases/channels/routing.js';
import { inbound } from './inbound-wiring.js';

const channels = new DynamoChannelSettingsStore();

export const webhookMetrics = config.PROVIDER_MODE === 'aws' ? emfWebhookMetrics(METRICS_SERVICE) : countingWebhookMetrics();

export const webhookDeps = webhookEdgeDeps(config, {
  sink: inbound,
  route: practiceForDestination(channels),
  metrics: webhookMetrics,
});
