/** The delivery pipeline's CloudWatch metric names: written by the EMF adapter, read by the alarms and the dashboard (lib/). */
import type { DeliveryMetric } from '../use-cases/delivery-ports.js';

export const METRICS_NAMESPACE = 'PracticeMessaging';
/** Powertools Metrics adds this dimension (the service name) to every metric. */
export const METRICS_SERVICE = 'practice-messaging';

export const DELIVERY_METRIC_NAMES: Readonly<Record<DeliveryMetric, string>> = {
  sent: 'DeliverySent',
  failed: 'DeliveryFailed',
  blocked: 'DeliveryBlocked',
  suppressed: 'DeliverySuppressed',
  throttled: 'DeliveryThrottled',
  outcome_unknown: 'DeliveryOutcomeUnknown',
  released: 'DeliveryReleased',
  stuck: 'DeliveryStuck',
};
export const DELIVERY_LATENCY = 'DeliveryLatency';
