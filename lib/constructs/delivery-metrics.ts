/** The delivery pipeline's metrics as CloudWatch reads them (names from lambdas/adapters/delivery-metric-names.ts). */
import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { DELIVERY_LATENCY, DELIVERY_METRIC_NAMES, METRICS_NAMESPACE, METRICS_SERVICE } from '../../lambdas/adapters/delivery-metric-names.js';
import type { DeliveryMetric } from '../../lambdas/use-cases/delivery-ports.js';

export const deliveryMetric = (m: DeliveryMetric, period = Duration.minutes(5)): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: DELIVERY_METRIC_NAMES[m],
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: 'Sum',
    period,
  });

export const deliveryLatency = (statistic: 'p50' | 'p99', period = Duration.minutes(5)): Metric =>
  new Metric({ namespace: METRICS_NAMESPACE, metricName: DELIVERY_LATENCY, dimensionsMap: { service: METRICS_SERVICE }, statistic, period, label: `latency ${statistic}` });
