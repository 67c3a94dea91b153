/**
 * The dispatcher's one job, per delivery: claim it (queued → sending, a conditional update, so a
 * redelivered stream record never sends twice), check the blocklist and suppressions again at
 * dispatch time (a block made after the message was queued wins), send through the channel's
 * provider, and record the outcome. Providers offer no idempotency key, so a delivery found
 * `sending` (a crash after the provider may have taken it) is never sent again: it ends as
 * `failed` with `outcome_unknown` once its lease has run out (at most once, never twice).
 */
import type { DeliveryStore, QueuedDelivery } from './delivery-ports.js';
import type { ChannelSenders, OutboundMessage, ProviderChannel, SendResult } from './provider-ports.js';
import { REASON_OPTED_OUT } from './provider-ports.js';

export interface DispatchDeps {
  store: DeliveryStore;
  senders: ChannelSenders;
  now: () => Date;
  maxAttempts: number;
  /** A delivery `sending` for longer than this is taken as crashed mid-send. */
  leaseMs: number;
  /** Counts a settled broadcast delivery on its broadcast. */
  broadcastSettled?: (practiceId: string, broadcastId: string, status: 'sent' | 'failed' | 'blocked' | 'suppressed') => Promise<void>;
}

export type DispatchOutcome = 'sent' | 'blocked' | 'suppressed' | 'failed' | 'skipped' | 'retry';

export class RetryLater extends Error {
  constructor(readonly reason: string) {
    super(`retry later: ${reason}`);
    this.name = 'RetryLater';
  }
}

/** The no-content notice of a portal message: no PHI, by design. */
export const PORTAL_NOTIFICATION = {
  subject: 'You have a new message',
  text: 'You have a new secure message from your practice. Please sign in to the patient portal to read it.',
};

const addressType = (channel: ProviderChannel): 'email' | 'phone' => (channel === 'email' ? 'email' : 'phone');

export async function dispatchDelivery(deps: DispatchDeps, d: QueuedDelivery): Promise<DispatchOutcome> {
  const outcome = await dispatchOnce(deps, d);
  if (d.broadcastId && deps.broadcastSettled && (outcome === 'sent' || outcome === 'failed' || outcome === 'blocked' || outcome === 'suppressed')) {
    await deps.broadcastSettled(d.practiceId, d.broadcastId, outcome);
  }
  return outcome;
}

async function dispatchOnce(deps: DispatchDeps, d: QueuedDelivery): Promise<DispatchOutcome> {
  if (d.channel === 'portal' || d.channel === 'call' || !d.address) return 'skipped';
  const channel = d.channel;
  const now = () => deps.now().toISOString();

  const claim = await deps.store.claim(d, now());
  if (!claim.claimed) {
    if (claim.status === 'sending' && claim.sendingSince && deps.now().getTime() - Date.parse(claim.sendingSince) > deps.leaseMs) {
      await deps.store.finish(d, { status: 'failed', error: 'outcome_unknown' }, now());
      return 'failed';
    }
    return 'skipped'; // already sent, being sent, or settled: never twice
  }

  const barrier = await deps.store.barrier(d.practiceId, addressType(channel), d.address);
  if (barrier) {
    await deps.store.finish(d, { status: barrier }, now());
    return barrier;
  }

  const content =
    d.purpose === 'notification'
      ? { subject: PORTAL_NOTIFICATION.subject, body: PORTAL_NOTIFICATION.text }
      : await deps.store.content(d);
  if (!content) {
    // The message was deleted before it went out: nothing to send.
    await deps.store.finish(d, { status: 'failed', error: 'message_deleted' }, now());
    return 'failed';
  }

  const outbound: OutboundMessage = {
    deliveryId: `${d.conversationId}/${d.sk}`,
    channel,
    to: d.address,
    ...(channel === 'email' ? { subject: content.subject ?? 'A message from your practice' } : {}),
    text: content.body,
  };
  // A throw here is a crash: the delivery stays `sending` and is never sent again.
  const result: SendResult = await deps.senders[channel].send(outbound);

  if (result.ok) {
    await deps.store.finish(d, { status: 'sent', providerMessageId: result.providerMessageId }, now());
    return 'sent';
  }
  if (result.reason === REASON_OPTED_OUT) {
    await deps.store.suppress(d.practiceId, addressType(channel), d.address, 'opted_out', now());
    await deps.store.finish(d, { status: 'suppressed', error: 'opted_out' }, now());
    return 'suppressed';
  }
  if (!result.retryable || claim.attempt >= deps.maxAttempts) {
    await deps.store.finish(d, { status: 'failed', error: result.retryable ? `retries_exhausted:${result.reason}` : result.reason }, now());
    return 'failed';
  }
  await deps.store.release(d, result.reason);
  throw new RetryLater(result.reason);
}
