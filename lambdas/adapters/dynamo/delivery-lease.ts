/** The first lease of a new delivery a provider sends: the sweeper looks at it if the pipeline has not moved it on by then. */
import { config } from '../../config.js';
import { keys } from './keys.js';
import { isDispatchable } from '../../use-cases/dispatch.js';
import type { QueuedDelivery } from '../../use-cases/delivery-ports.js';

export function queuedLease(
  practiceId: string,
  conversationId: string,
  sk: string,
  d: { status: string; channel: string; address?: string | null },
  createdAt: string,
): { leasePk?: string; leaseDue?: string } {
  if (d.status !== 'queued' || !isDispatchable({ channel: d.channel as QueuedDelivery['channel'], address: d.address ?? null })) return {};
  const due = new Date(Date.parse(createdAt) + config.DELIVERY_LEASE_SECONDS * 1000).toISOString();
  return keys.deliveryLease(practiceId, conversationId, sk, due);
}
