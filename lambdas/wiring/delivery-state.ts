/**
 * What the delivery functions share besides the providers: the delivery store, the delivery
 * metrics, broadcast counting (tallies and progress) and the sweeper's composition. The sweeper
 * sends nothing itself (it puts overdue deliveries back on the queue and ends stuck ones), so it
 * imports this and ./delivery-queue.ts only: no provider client, S3 or mail composer in its bundle.
 */
import { DynamoBroadcastRepository } from '../adapters/dynamo/broadcast-repository.js';
import { DynamoTallyStore } from '../adapters/dynamo/broadcast-tallies.js';
import { DynamoDeliveryStore } from '../adapters/dynamo/delivery-repository.js';
import { METRICS_SERVICE } from '../adapters/delivery-metric-names.js';
import { countingDeliveryMetrics, emfDeliveryMetrics } from '../adapters/delivery-metrics.js';
import { config } from '../config.js';
import { systemClock } from '../use-cases/clock.js';
import type { DispatchDeps } from '../use-cases/dispatch.js';
import type { SweepDeps } from '../use-cases/sweep.js';
import { deliveryQueue } from './delivery-queue.js';

/** Broadcast progress counted as broadcast deliveries settle (once per broadcast per batch). */
const broadcasts = new DynamoBroadcastRepository();

export const deliveryMetrics = config.PROVIDER_MODE === 'aws' ? emfDeliveryMetrics(METRICS_SERVICE) : countingDeliveryMetrics();
/** Publishes the delivery metrics stored by this invocation (EMF); a no-op locally. */
export const flushDeliveryMetrics = (): void => deliveryMetrics.flush();
export const deliveryStore = new DynamoDeliveryStore();
/** Each batch's broadcast count, opened before its sends and closed with the count (the sweeper closes one left open). */
export const tallies = new DynamoTallyStore((practiceId, broadcastId) => broadcasts.advanceAfterCount(practiceId, broadcastId));
export const leaseMs = config.DELIVERY_LEASE_SECONDS * 1000;

/** Outside a batch's tally (a delivery the sweeper ends): the outcome added at once, as one fewer queued. */
export const broadcastSettled: NonNullable<DispatchDeps['broadcastSettled']> = (practiceId, broadcastId, outcomes) =>
  broadcasts.progress(practiceId, broadcastId, { ...outcomes, queued: -Object.values(outcomes).reduce((n, k) => n + (k ?? 0), 0) });

/** The sweeper's closing of tallies left open (a batch that died between an outcome and its count). */
export const tallySweepDeps = { tallies, now: systemClock };

/** The sweeper: the delivery store, and the queue it puts overdue queued deliveries back on (it sends nothing itself). */
export const sweepDeps: SweepDeps = { store: deliveryStore, metrics: deliveryMetrics, now: systemClock, leaseMs, queue: deliveryQueue, broadcastSettled };
