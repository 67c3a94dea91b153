import { Duration, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { deliveryMetric } from './delivery-metrics.js';

export interface OperationalAlarmsProps {
  readonly stage: string;
  readonly topicKey: IKey;
  readonly alarmEmail: string | undefined;
  readonly api: IHttpApi;
  /** Functions to watch, by a stable name used in construct ids and alarm descriptions. */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** Dead-letter queues, by a stable name: each alarms as soon as it holds a visible message. */
  readonly deadLetterQueues?: ReadonlyMap<string, IQueue>;
  /** Stream consumers, by a stable name: each alarms when its iterator age passes STREAM_ITERATOR_AGE_ALARM. */
  readonly streamConsumers?: ReadonlyMap<string, IFunction>;
  /** Alarm on the delivery pipeline's abnormal ends (stuck deliveries the sweeper found, outcome_unknown). */
  readonly deliveryPipeline?: boolean;
}

/** A stream consumer this far behind (oldest record read) is not keeping up: deliveries wait. */
export const STREAM_ITERATOR_AGE_ALARM = Duration.minutes(5);

/**
 * Alarms that page the operator through one KMS-encrypted, TLS-only SNS topic: API 5xx,
 * errors and throttles of every function, any message in a dead-letter queue, stream consumers
 * falling behind (iterator age), and deliveries that ended abnormally (stuck, outcome_unknown). Each alarm
 * notifies on ALARM and on OK.
 */
export class OperationalAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);

    this.topic = new Topic(this, 'Topic', {
      displayName: `practice-messaging ${props.stage} alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });

    if (props.alarmEmail) {
      const subscription = new EmailSubscription(props.alarmEmail);
      this.topic.addSubscription(subscription);
      Validations.of(this.topic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'The only subscription is the operator email for alarm notifications; an undeliverable email leaves the alarm state and history in CloudWatch, so a dead-letter queue would hold nothing the operator cannot already see.',
      });
    }

    const action = new SnsAction(this.topic);
    const watch = (
      alarmId: string,
      metric: IMetric,
      description: string,
      threshold = 1,
      comparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ): void => {
      const alarm = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `practice-messaging ${props.stage}: ${description}`,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    watch(
      'Api5xx',
      props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      'the HTTP API answered 5xx in the last 5 minutes',
    );

    for (const [name, fn] of props.functions) {
      watch(
        `${name}Errors`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `function ${name} reported errors in the last 5 minutes`,
      );
      watch(
        `${name}Throttles`,
        fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        `function ${name} was throttled in the last 5 minutes`,
      );
    }

    for (const [name, fn] of props.streamConsumers ?? []) {
      watch(
        `${name}IteratorAge`,
        fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        `stream consumer ${name} is more than ${STREAM_ITERATOR_AGE_ALARM.toMinutes()} minutes behind the table's stream`,
        STREAM_ITERATOR_AGE_ALARM.toMilliseconds(),
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      );
    }

    if (props.deliveryPipeline) {
      watch(
        'DeliveriesStuck',
        deliveryMetric('stuck'),
        'the sweeper found deliveries left sending past their lease (a crash after the hand-over): they ended outcome_unknown',
      );
      watch(
        'DeliveriesOutcomeUnknown',
        deliveryMetric('outcome_unknown'),
        'deliveries ended failed: outcome_unknown (the provider may or may not have taken them; never re-sent)',
      );
    }

    for (const [name, queue] of props.deadLetterQueues ?? []) {
      watch(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        `dead-letter queue ${name} holds records that exhausted their retries (inspect and redrive)`,
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      );
    }
  }
}
