/**
 * The delivery pipeline's metrics as CloudWatch EMF (Powertools Metrics), namespace
 * `PracticeMessaging`, dimension `channel`. Locally nothing is emitted (the counts are kept in
 * memory for the fault-injection run).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DeliveryMetric, DeliveryMetrics } from '../use-cases/delivery-ports.js';

export const METRICS_NAMESPACE = 'PracticeMessaging';

/** Metric names as the dashboard and alarms read them. */
export const deliveryMetricName = (m: DeliveryMetric): string =>
  ({
    sent: 'DeliverySent', failed: 'DeliveryFailed', blocked: 'DeliveryBlocked', suppressed: 'DeliverySuppressed',
    throttled: 'DeliveryThrottled', outcome_unknown: 'DeliveryOutcomeUnknown', released: 'DeliveryReleased', stuck: 'DeliveryStuck',
  })[m];
export const DELIVERY_LATENCY = 'DeliveryLatency';

export function emfDeliveryMetrics(serviceName: string): DeliveryMetrics & { flush(): void } {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    // Metric totals without a channel dimension: the alarms and dashboard read the service total.
    count: (m) => metrics.addMetric(deliveryMetricName(m), MetricUnit.Count, 1),
    latency: (ms) => metrics.addMetric(DELIVERY_LATENCY, MetricUnit.Milliseconds, ms),
    flush: () => metrics.publishStoredMetrics(),
  };
}

/** In memory: what the local runtime and the fault-injection run read. */
export function countingDeliveryMetrics(): DeliveryMetrics & { flush(): void; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    count: (m) => void counts.set(m, (counts.get(m) ?? 0) + 1),
    latency: () => undefined,
    flush: () => undefined,
  };
}
