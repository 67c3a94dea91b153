/**
 * Delivery receipts: the delivery found by the provider's message id (within the practice) moves
 * only forward, whatever order the provider's events arrive in. Ranks: sent 1 < failed = bounced
 * 2 < delivered 3 < read 4. A failure after `delivered` changes nothing; a `delivered` after a
 * failure wins (the provider proved it arrived; some carriers report a failure and then deliver).
 * The final status is the highest-ranked one seen, so any arrival order ends the same. A
 * complaint moves no status (it came after delivery) but, like a permanent bounce, suppresses
 * the address for the practice. A receipt without a practice, or whose id matches no delivery
 * of ours, is counted and ignored.
 */
import type { DeliveryReceiptEvent } from './events.js';
import { suppressAddress } from './opt-out.js';
import type { InboundDeps, ReceiptStatus } from './ports.js';

export const RECEIPT_RANK: Readonly<Record<ReceiptStatus, number>> = { sent: 1, failed: 2, bounced: 2, delivered: 3, read: 4 };

/** Which broadcast count a delivery status is counted in (`counts: { queued, sent, delivered, failed, … }`). */
export function broadcastCountOf(status: string): 'sent' | 'delivered' | 'failed' | null {
  if (status === 'sent') return 'sent';
  if (status === 'delivered' || status === 'read') return 'delivered';
  if (status === 'failed' || status === 'bounced') return 'failed';
  return null;
}

export async function receiveReceipt(deps: InboundDeps, e: DeliveryReceiptEvent): Promise<void> {
  if (!e.practiceId) {
    deps.metrics.count('receipt_no_practice', e.channel);
    return;
  }
  const practiceId = e.practiceId;
  const found = await deps.receipts.find(practiceId, e.providerMessageId);
  if (found.length === 0) {
    deps.metrics.count('receipt_unmatched', e.channel);
    return;
  }
  for (const d of found) {
    if (e.status !== 'complained') {
      const status: ReceiptStatus = e.status;
      const before = await deps.receipts.advance(d, status, RECEIPT_RANK[status], e.at, e.errorCode);
      if (before !== null) {
        if (status === 'delivered') deps.metrics.count('delivered', d.channel);
        const from = broadcastCountOf(before);
        const to = broadcastCountOf(status);
        if (d.broadcastId && from !== to) {
          await deps.broadcastCounts(practiceId, d.broadcastId, { ...(from ? { [from]: -1 } : {}), ...(to ? { [to]: 1 } : {}) });
        }
      }
    }
    const suppressAs = e.status === 'complained' ? 'complaint' : e.status === 'bounced' && e.permanent ? 'bounce' : null;
    if (suppressAs && d.address) {
      // The receipt's recipients when it names them (a bounce may name only some of a message's), else the delivery's address.
      const named = (e.recipients ?? []).map((r) => r.trim().toLowerCase());
      const address = d.channel === 'email' ? d.address.toLowerCase() : d.address;
      if (named.length === 0 || named.includes(address.toLowerCase())) {
        const channel = d.channel === 'email' || d.channel === 'sms' || d.channel === 'whatsapp' ? d.channel : null;
        if (channel) await suppressAddress(deps, practiceId, channel, channel === 'email' ? 'email' : 'phone', address, suppressAs, e.at);
      }
    }
  }
}
