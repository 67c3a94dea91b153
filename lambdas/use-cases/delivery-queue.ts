/**
 * The delivery queue: the port between the producers (the stream dispatcher, the sweeper) and
 * the queue consumer that sends. A message is a delivery's key fields only (no address, no
 * content). SQS on AWS (adapters/sqs/sqs-delivery-queue.ts), an in-process queue locally.
 */
import type { DeliveryRef } from './delivery-ports.js';

export interface DeliveryQueue {
  /** Puts one message per delivery on the queue (batched by the adapter). */
  enqueue(refs: readonly DeliveryRef[]): Promise<void>;
  /** The received message `receipt` comes back after `seconds` (its visibility is changed). */
  delay(receipt: string, seconds: number): Promise<void>;
  /**
   * How many messages wait to be received (visible: neither in flight nor delayed), approximately.
   * More than none means the consumers are behind (a large broadcast): a queued delivery past its
   * lease is then most likely still waiting in the queue, not lost.
   */
  waiting?(): Promise<number>;
}

/** SQS's longest visibility timeout: 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

/** A wait in milliseconds as a visibility delay: whole seconds, at least 1, at most 12 hours. */
export function queueDelaySeconds(delayMs: number): number {
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, Math.ceil(delayMs / 1000)));
}

/**
 * After a failure before the hand-over (the delivery was released at once): its message comes
 * back after 1 s, then 2, 4, ... up to a minute, by how often it has been received.
 */
export function afterErrorDelaySeconds(receiveCount: number): number {
  return Math.min(60, 2 ** Math.max(0, Math.min(6, receiveCount - 1)));
}
