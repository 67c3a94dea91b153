/**
 * Composition of the webhook edge and the channel settings (beside lambdas/wiring.ts, which it
 * reads): the channel store and router, the webhook metrics, the inbound sink, and the
 * provider-facing pieces built from configuration (adapters/webhooks/edge-deps.ts).
 */
import { DynamoChannelSettingsStore } from './adapters/dynamo/channel-settings-repository.js';
import { METRICS_SERVICE } from './adapters/delivery-metric-names.js';
import { webhookEdgeDeps } from './adapters/webhooks/edge-deps.js';
import { countingWebhookMetrics, emfWebhookMetrics } from './adapters/webhooks/webhook-metrics.js';
import { config } from './config.js';
import type { ChannelSettingsDeps } from './use-cases/channels/channel-settings.js';
import { practiceForDestination } from './use-cases/channels/routing.js';
import { systemClock } from './use-cases/clock.js';
import { inbound } from './inbound-wiring.js';
import { directoryDeps } from './wiring.js';

const channels = new DynamoChannelSettingsStore();

export const channelSettingsDeps: ChannelSettingsDeps = {
  channels,
  regionOf: async (practiceId) => (await directoryDeps.directory.getSettings(practiceId)).defaultRegion,
  now: systemClock,
};

export const webhookMetrics = config.PROVIDER_MODE === 'aws' ? emfWebhookMetrics(METRICS_SERVICE) : countingWebhookMetrics();

export const webhookDeps = webhookEdgeDeps(config, {
  sink: inbound,
  route: practiceForDestination(channels),
  metrics: webhookMetrics,
});
