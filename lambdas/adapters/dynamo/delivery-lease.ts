/** The first lease of a new delivery a provider sends: the sweeper looks at it if the pipeline has not moved it on by then. */
import { config } from '../../config.js';
import { keys } from './keys.js';

export function queuedLease(
  practiceId: string,
  conversationId: string,
  sk: string,
  d: { status: string; channel: string; address?: string | null },
  createdAt: string,
): { leasePk?: string; leaseDue?: string } {
  const dispatchable = (d.channel === 'email' || d.channel === 'sms' || d.channel === 'whatsapp') && !!d.address;
  if (d.status !== 'queued' || !dispatchable) return {};
  const due = new Date(Date.parse(createdAt) + config.DELIVERY_LEASE_SECONDS * 1000).toISOString();
  return keys.deliveryLease(practiceId, conversationId, sk, due);
}
