/**
 * The delivery sweeper: a function run every minute by an EventBridge rule
 * (lambdas/handlers/scheduled/sweeper.ts). It reads the sparse `leases` index, puts the `queued`
 * deliveries past their lease back on the delivery queue (it may send to that queue; it sends
 * nothing to a provider) and ends the `sending` ones `outcome_unknown`.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerFunction } from './handler-function.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { grantTableAccess } from './table-access.js';

export const SWEEPER_ENTRY = 'lambdas/handlers/scheduled/sweeper.ts';
export const SWEEP_EVERY = Duration.minutes(1);

export interface DeliverySweeperProps {
  readonly stage: string;
  readonly key: IKey;
  readonly table: ITable;
  readonly logRetention: RetentionDays;
  readonly retainLogs: boolean;
  readonly environment: Record<string, string>;
  readonly deliveryQueue: DeliveryQueue;
}

export class DeliverySweeper extends Construct {
  readonly handler: HandlerFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: DeliverySweeperProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: SWEEPER_ENTRY,
      description: 'Delivery sweeper: deliveries past their lease (every minute)',
      stage: props.stage,
      logKey: props.key,
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
      memorySize: 512,
      timeout: Duration.seconds(50),
      // One run at a time: two overlapping runs would only race for the same claims.
      reservedConcurrency: 1,
      environment: props.environment,
      noDeadLetterQueueReason:
        'Invoked every minute by an EventBridge rule; a failed run leaves every lease in the index, so the next run (a minute later) finds the same deliveries. A dead-letter queue would hold only empty schedule events.',
    });
    grantTableAccess(this.handler, props.table, props.key);
    props.deliveryQueue.grantEnqueue(this.handler);

    this.rule = new Rule(this, 'EveryMinute', {
      description: `practice-messaging ${props.stage}: the delivery sweeper`,
      schedule: Schedule.rate(SWEEP_EVERY),
    });
    // No retries: the next scheduled run is the retry.
    this.rule.addTarget(new LambdaFunction(this.handler.function, { retryAttempts: 0 }));
    Validations.of(this.rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'The target is the every-minute sweeper and the event is an empty schedule tick: a failed invocation loses nothing (every lease stays in the index) and the next tick a minute later is the retry; the function\'s errors alarm. A dead-letter queue would only collect empty ticks.',
    });
  }

  get function() {
    return this.handler.function;
  }
}
