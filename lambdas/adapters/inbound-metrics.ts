/**
 * Inbound's metrics as CloudWatch EMF (Powertools Metrics, namespace `PracticeMessaging`,
 * dimensions `service` and `channel`), published as they are counted (the webhook functions have
 * no end-of-invocation hook to flush them). Locally: counted in memory. Never ids, never PHI.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { InboundMetric, InboundMetrics } from '../use-cases/inbound/ports.js';
import { METRICS_NAMESPACE } from './delivery-metric-names.js';

export const INBOUND_METRIC_NAMES: Readonly<Record<InboundMetric, string>> = {
  delivered: 'DeliveryDelivered',
  receipt_unmatched: 'ReceiptUnmatched',
  receipt_no_practice: 'ReceiptWithoutPractice',
  inbound_stored: 'InboundStored',
  inbound_duplicate: 'InboundDuplicate',
  quarantined: 'InboundQuarantined',
  opt_out: 'SmsOptOut',
  opt_in: 'SmsOptIn',
};

export function emfInboundMetrics(serviceName: string): InboundMetrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    count: (m, channel) => {
      const single = metrics.singleMetric();
      single.addDimension('channel', channel);
      single.addMetric(INBOUND_METRIC_NAMES[m], MetricUnit.Count, 1);
    },
  };
}

export function countingInboundMetrics(): InboundMetrics & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return { counts, count: (m, channel) => void counts.set(`${m}:${channel}`, (counts.get(`${m}:${channel}`) ?? 0) + 1) };
}
