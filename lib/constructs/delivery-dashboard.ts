/**
 * The delivery pipeline's CloudWatch dashboard: outcomes (sent, failed, throttled,
 * outcome_unknown, stuck, released, blocked, suppressed), latency from message to provider,
 * the stream consumers' iterator age, the delivery queue's backlog (messages waiting and the age of
 * the oldest: a large broadcast sent at the provider's rate) and the dead-letter queues' depth.
 */
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deliveryLatency, deliveryMetric } from './delivery-metrics.js';

export interface DeliveryDashboardProps {
  readonly stage: string;
  readonly streamConsumers: ReadonlyMap<string, IFunction>;
  readonly deadLetterQueues: ReadonlyMap<string, IQueue>;
  /** The delivery queue: its backlog (the sweeper leaves queued deliveries alone while it has one). */
  readonly deliveryQueue?: IQueue;
}

export class DeliveryDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: DeliveryDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `practice-messaging-${props.stage}-delivery`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Delivery pipeline (${props.stage})\nStream → dispatcher → provider; the sweeper (every minute) re-dispatches queued and ends stuck sending deliveries. See docs/reliability.md.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Outcomes per minute',
        left: (['sent', 'failed', 'blocked', 'suppressed'] as const).map((m) => deliveryMetric(m, period).with({ label: m })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Waiting and abnormal ends per minute',
        left: (['throttled', 'released', 'outcome_unknown', 'stuck'] as const).map((m) => deliveryMetric(m, period).with({ label: m })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Latency, message to provider (ms)', left: [deliveryLatency('p50', period), deliveryLatency('p99', period)], width: 8 }),
      new GraphWidget({
        title: 'Stream iterator age (ms, max)',
        left: [...props.streamConsumers].map(([name, fn]) => fn.metric('IteratorAge', { statistic: 'Maximum', period, label: name })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queues (visible messages)',
        left: [...props.deadLetterQueues].map(([name, q]) => q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period, label: name })),
        width: 8,
      }),
    );
    if (props.deliveryQueue) {
      const q = props.deliveryQueue;
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Delivery queue backlog',
          left: [q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period, label: 'waiting' })],
          right: [q.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period, label: 'oldest (s)' })],
          width: 24,
        }),
      );
    }
  }
}
