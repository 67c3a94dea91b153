/**
 * The delivery queue in the local runtime: the in-process queue of lib/local/local-queue.ts,
 * found on `globalThis` (the runtime registers it before any handler runs; lambdas/ imports
 * nothing from lib/).
 */
import type { DeliveryRef } from '../../use-cases/delivery-ports.js';
import type { DeliveryQueue } from '../../use-cases/delivery-queue.js';
import { encodeDeliveryRef } from './delivery-message.js';

/** What the local queue offers its adapter. */
export interface InProcessQueue {
  send(bodies: readonly string[]): void;
  changeVisibility(receipt: string, seconds: number): void;
  /** Messages visible now (neither in flight nor delayed). */
  waiting(): number;
}

export const LOCAL_DELIVERY_QUEUE = Symbol.for('practice-messaging.local-delivery-queue');

function queue(): InProcessQueue {
  const found = (globalThis as unknown as Record<symbol, InProcessQueue | undefined>)[LOCAL_DELIVERY_QUEUE];
  if (!found) throw new Error('No local delivery queue: the local runtime starts one (lib/local/local-queue.ts)');
  return found;
}

export const localDeliveryQueue: DeliveryQueue = {
  enqueue: async (refs: readonly DeliveryRef[]) => queue().send(refs.map(encodeDeliveryRef)),
  delay: async (receipt: string, seconds: number) => queue().changeVisibility(receipt, seconds),
  waiting: async () => queue().waiting(),
};
