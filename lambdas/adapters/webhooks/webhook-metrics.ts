/**
 * Webhook counters (Powertools Metrics, EMF, namespace `PracticeMessaging`, dimension `service`
 * only: never a number, address or practice). Locally counted in memory.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../delivery-metric-names.js';

export type WebhookMetric = 'unknown_destination' | 'unattributed_receipt' | 'unparsed' | 'rejected_signature' | 'stored' | 'duplicate' | 'receipt';

export const WEBHOOK_METRIC_NAMES: Readonly<Record<WebhookMetric, string>> = {
  unknown_destination: 'WebhookUnknownDestination',
  unattributed_receipt: 'WebhookUnattributedReceipt',
  unparsed: 'WebhookUnparsed',
  rejected_signature: 'WebhookRejectedSignature',
  stored: 'InboundStored',
  duplicate: 'InboundDuplicate',
  receipt: 'DeliveryReceipt',
};

export interface WebhookMetrics {
  count(metric: WebhookMetric, n?: number): void;
  flush(): void;
}

export function emfWebhookMetrics(serviceName: string): WebhookMetrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    count: (m, n = 1) => metrics.addMetric(WEBHOOK_METRIC_NAMES[m], MetricUnit.Count, n),
    flush: () => metrics.publishStoredMetrics(),
  };
}

export function countingWebhookMetrics(): WebhookMetrics & { counts: Map<WebhookMetric, number> } {
  const counts = new Map<WebhookMetric, number>();
  return { counts, count: (m, n = 1) => void counts.set(m, (counts.get(m) ?? 0) + n), flush: () => undefined };
}
