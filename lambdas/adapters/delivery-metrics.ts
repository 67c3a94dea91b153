/**
 * The delivery pipeline's metrics as CloudWatch EMF (Powertools Metrics), namespace
 * `PracticeMessaging`, dimension `service` (the totals the alarms and the dashboard read).
 * Locally nothing is emitted (counted in memory).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DeliveryMetrics } from '../use-cases/delivery-ports.js';
import { DELIVERY_LATENCY, DELIVERY_METRIC_NAMES, METRICS_NAMESPACE } from './delivery-metric-names.js';

export function emfDeliveryMetrics(serviceName: string): DeliveryMetrics & { flush(): void } {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    count: (m) => metrics.addMetric(DELIVERY_METRIC_NAMES[m], MetricUnit.Count, 1),
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
