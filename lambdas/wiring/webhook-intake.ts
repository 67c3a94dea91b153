/**
 * What every inbound entry hands a parsed event through (adapters/webhooks/intake.ts), beside
 * the sink: the destination router (channel settings) and the webhook metrics. Shared by the
 * webhook edge (lambdas/webhook-wiring.ts) and the SMS subscriber (./sms-inbound.ts).
 */
import { DynamoChannelSettingsStore } from '../adapters/dynamo/channel-settings-repository.js';
import { METRICS_SERVICE } from '../adapters/delivery-metric-names.js';
import { countingWebhookMetrics, emfWebhookMetrics } from '../adapters/webhooks/webhook-metrics.js';
import { config } from '../config.js';
import { practiceForDestination } from '../use-cases/channels/routing.js';

export const webhookMetrics = config.PROVIDER_MODE === 'aws' ? emfWebhookMetrics(METRICS_SERVICE) : countingWebhookMetrics();

export const route = practiceForDestination(new DynamoChannelSettingsStore());
