/**
 * The dispatcher's one job, per delivery: claim it (queued → sending, a conditional update, so a
 * redelivered queue message never sends twice), check the blocklist and suppressions again at
 * dispatch time (a block made after the message was queued wins), send through the channel's
 * provider, and record the outcome. A batch (the queue consumer's messages) is dispatched
 * together: every claim first, then ONE read of the blocks and suppressions of every claimed
 * address (still after each claim, before each send), then each send and outcome; the settled
 * broadcast deliveries are added to their broadcast once per broadcast per batch (the sum).
 * docs/reliability.md states the rules:
 * - anything that fails before the hand-over releases the claim at once (back to `queued`, the
 *   attempt given back) and is dispatched again;
 * - a send whose outcome cannot be known (the sender threw, a timeout, a connection reset after
 *   the request left) is never sent again: it ends `failed: outcome_unknown` (at once when the
 *   sender says so, through the sweeper when the process died);
 * - throttling waits with a growing delay and uses no attempt; it fails only after a day.
 * A wait is `RetryLater`: the queue consumer delays the delivery's message by its `delayMs`.
 */
import type { AddressBarrier, ClaimedDelivery, DeliveryMetrics, DeliveryRef, DeliveryStore, QueuedDelivery, TallyStore } from './delivery-ports.js';
import { BroadcastTally, type Settled } from './broadcast-tally.js';
import { noMetrics } from './delivery-ports.js';
import type { ChannelSenders, OutboundMessage, ProviderChannel, SendResult } from './provider-ports.js';
import { originFields, type OriginSource } from './channels/outbound-origin.js';
import { REASON_OPTED_OUT, REASON_THROTTLED } from './provider-ports.js';
import { retryDelayMs, throttleDelayMs, THROTTLE_LIMIT_MS } from './delivery-backoff.js';

export interface DispatchDeps {
  store: DeliveryStore;
  senders: ChannelSenders;
  now: () => Date;
  maxAttempts: number;
  /** A delivery `sending` for longer than this is taken as crashed mid-send. */
  leaseMs: number;
  /** How long throttling may last before the delivery fails (a day by default). */
  throttleLimitMs?: number;
  /** The longest wait after a throttle (15 minutes by default). */
  maxThrottleDelayMs?: number;
  metrics?: DeliveryMetrics;
  /** Open tallies of batches (see broadcast-tally.ts): with it a batch's count survives the batch dying before it. */
  tallies?: TallyStore;
  /** Adds settled broadcast deliveries to their broadcast: one call per broadcast per batch, the outcomes summed. */
  broadcastSettled?: (practiceId: string, broadcastId: string, outcomes: Partial<Record<Settled, number>>) => Promise<void>;
  /** The practice's own origin (SMS number, WhatsApp phone-number id, Reply-To base), cached per practice; absent: the senders' defaults. */
  origins?: OriginSource;
}

export type DispatchOutcome = 'sent' | 'blocked' | 'suppressed' | 'failed' | 'skipped';

/** The delivery was released to be dispatched again after `delayMs` (throttled: no attempt used). */
export class RetryLater extends Error {
  constructor(
    readonly reason: string,
    readonly delayMs: number,
    readonly throttled: boolean,
  ) {
    super(`retry later: ${reason}`);
    this.name = 'RetryLater';
  }
}

/** The no-content notice of a portal message: no PHI, by design. */
export const PORTAL_NOTIFICATION = {
  subject: 'You have a new message',
  text: 'You have a new secure message from your practice. Please sign in to the patient portal to read it.',
};

export const OUTCOME_UNKNOWN = 'outcome_unknown';

const addressType = (channel: ProviderChannel): 'email' | 'phone' => (channel === 'email' ? 'email' : 'phone');

/** Deliveries a provider sends: email, SMS and WhatsApp with an address. */
export const isDispatchable = (d: Pick<QueuedDelivery, 'channel' | 'address'>): boolean =>
  (d.channel === 'email' || d.channel === 'sms' || d.channel === 'whatsapp') && !!d.address;

export type { Settled };

async function settled(deps: DispatchDeps, d: { practiceId: string; broadcastId?: string }, outcome: Settled, tally?: BroadcastTally): Promise<Settled> {
  if (!d.broadcastId) return outcome;
  if (tally) tally.add(d.practiceId, d.broadcastId, outcome);
  else if (deps.broadcastSettled) await deps.broadcastSettled(d.practiceId, d.broadcastId, { [outcome]: 1 });
  return outcome;
}

/** One delivery's result in a batch: its outcome, or what it threw (a `RetryLater`, a failure before or after the hand-over). */
export type BatchResult = { outcome: DispatchOutcome } | { error: unknown };

/** One delivery alone (a batch of one): its outcome, or it throws as the batch reports. */
export async function dispatchDelivery(deps: DispatchDeps, ref: DeliveryRef | QueuedDelivery): Promise<DispatchOutcome> {
  const [result] = await dispatchBatch(deps, [ref]);
  if (!result || 'error' in result) throw result?.error;
  return result.outcome;
}

type Claimed = { ref: DeliveryRef; attempt: number; d: ClaimedDelivery };

/**
 * A batch of deliveries: every claim at once; one read of the blocks and suppressions of every
 * claimed address (a failure there releases every claim: nothing was sent); each send and
 * outcome; then each broadcast's settled deliveries added once. Results in the order of `refs`.
 */
export async function dispatchBatch(deps: DispatchDeps, refs: readonly (DeliveryRef | QueuedDelivery)[]): Promise<BatchResult[]> {
  const nowMs = deps.now().getTime();
  const at = new Date(nowMs).toISOString();
  const tally = new BroadcastTally();
  const results: BatchResult[] = new Array(refs.length);
  const claimed: (Claimed & { index: number })[] = [];
  await Promise.all(
    refs.map(async (ref, index) => {
      try {
        const c = await claimOne(deps, ref, nowMs, at);
        if ('outcome' in c) results[index] = c;
        else claimed.push({ ...c, index });
      } catch (error) {
        results[index] = { error };
      }
    }),
  );
  try {
    if (claimed.length > 0) {
      let barriers: (AddressBarrier | null)[];
      try {
        // The tally is opened (a lease and a half from now: past the sweeper's end of any claim still sending) with the block read.
        [barriers] = await Promise.all([
          deps.store.barriers(claimed.map(({ d }) => ({ practiceId: d.practiceId, type: addressType(d.channel as ProviderChannel), value: d.address as string }))),
          tally.openFor(deps.tallies, claimed.map(({ ref, d }) => ({ ...ref, ...(d.broadcastId ? { broadcastId: d.broadcastId } : {}) })), new Date(nowMs + 1.5 * deps.leaseMs).toISOString()),
        ]);
      } catch (error) {
        await Promise.all(claimed.map(async (c) => (results[c.index] = { error: await releaseAfter(deps, c.ref, c.d, nowMs, error).catch((e: unknown) => e) })));
        return results;
      }
      await Promise.all(
        claimed.map(async (c, i) => {
          try {
            results[c.index] = { outcome: await afterClaim(deps, c, barriers[i] ?? null, nowMs, at, tally) };
          } catch (error) {
            results[c.index] = { error };
          }
        }),
      );
    }
  } finally {
    await tally.flush(deps);
  }
  return results;
}

async function claimOne(deps: DispatchDeps, ref: DeliveryRef | QueuedDelivery, nowMs: number, at: string): Promise<{ outcome: DispatchOutcome } | Claimed> {
  if ('channel' in ref && !isDispatchable(ref)) return { outcome: 'skipped' };
  const claim = await deps.store.claim(ref, at, new Date(nowMs + deps.leaseMs).toISOString());
  if (!claim.claimed) {
    if (claim.status === 'sending' && claim.sendingSince && nowMs - Date.parse(claim.sendingSince) > deps.leaseMs) {
      // Ended before any tally is open: counted at once through broadcastSettled (as the sweeper counts it).
      return { outcome: (await endUnknown(deps, { ...ref, sendingSince: claim.sendingSince })) ? 'failed' : 'skipped' };
    }
    return { outcome: 'skipped' }; // already sent, being sent, settled, or not a provider's: never twice
  }
  return { ref, attempt: claim.attempt, d: claim.delivery };
}

/** Released before the hand-over (nothing was sent): back to queued, the attempt given back; the cause is returned to be thrown. */
async function releaseAfter(deps: DispatchDeps, ref: DeliveryRef, d: ClaimedDelivery, nowMs: number, cause: unknown): Promise<unknown> {
  await deps.store.release(ref, { reason: 'dispatch_error', countsAsAttempt: false, leaseDue: new Date(nowMs + deps.leaseMs).toISOString() });
  (deps.metrics ?? noMetrics).count('released', d.channel);
  return cause;
}

async function afterClaim(deps: DispatchDeps, claim: Claimed, barrier: AddressBarrier | null, nowMs: number, at: string, tally: BroadcastTally): Promise<DispatchOutcome> {
  const metrics = deps.metrics ?? noMetrics;
  const { ref, d } = claim;
  const channel = d.channel as ProviderChannel;
  const end = async (outcome: Parameters<DeliveryStore['finish']>[1], metric: Parameters<DeliveryMetrics['count']>[0]) => {
    await deps.store.finish(ref, outcome, at, undefined, tally.idFor(d));
    metrics.count(metric, channel);
    return settled(deps, d, outcome.status, tally);
  };

  // Before the hand-over: a failure here releases the claim at once (nothing was sent).
  let outbound: OutboundMessage;
  try {
    if (barrier) return await end({ status: barrier }, barrier);
    const content =
      d.purpose === 'notification'
        ? { subject: PORTAL_NOTIFICATION.subject, body: PORTAL_NOTIFICATION.text }
        : await deps.store.content(d);
    // The message was deleted before it went out: nothing to send.
    if (!content) return await end({ status: 'failed', error: 'message_deleted' }, 'failed');
    const origin = deps.origins ? await deps.origins(d.practiceId) : {};
    // A notification email points at the portal: an answer to it has no conversation on email to join.
    const fields = d.purpose === 'notification' && channel === 'email' ? {} : originFields(origin, channel, d.conversationId);
    outbound = {
      deliveryId: `${d.conversationId}/${d.sk}`,
      practiceId: d.practiceId,
      channel,
      to: d.address as string,
      ...(channel === 'email' ? { subject: content.subject ?? 'A message from your practice' } : {}),
      text: content.body,
      ...(channel === 'email' && content.html ? { html: content.html } : {}),
      ...(channel !== 'sms' && content.attachments?.length ? { attachments: content.attachments } : {}),
      ...fields,
    };
  } catch (error) {
    throw await releaseAfter(deps, ref, d, nowMs, error);
  }

  // A throw here is a crash after the hand-over: the delivery stays `sending`, never sent again.
  const result: SendResult = await deps.senders[channel].send(outbound);

  if (result.ok) {
    if (d.createdAt) metrics.latency(nowMs - Date.parse(d.createdAt), channel);
    return end({ status: 'sent', providerMessageId: result.providerMessageId }, 'sent');
  }
  if (result.reason === REASON_OPTED_OUT) {
    await deps.store.suppress(d.practiceId, addressType(channel), d.address as string, 'opted_out', at);
    return end({ status: 'suppressed', error: 'opted_out' }, 'suppressed');
  }
  if (result.ambiguous) return end({ status: 'failed', error: OUTCOME_UNKNOWN }, 'outcome_unknown');
  if (result.retryable && result.reason === REASON_THROTTLED) return throttled(deps, ref, d, nowMs, tally);
  if (!result.retryable || claim.attempt >= deps.maxAttempts) {
    return end({ status: 'failed', error: result.retryable ? `retries_exhausted:${result.reason}` : result.reason }, 'failed');
  }
  const delayMs = retryDelayMs(claim.attempt);
  await deps.store.release(ref, { reason: result.reason, countsAsAttempt: true, leaseDue: backupLease(deps, nowMs, delayMs) });
  throw new RetryLater(result.reason, delayMs, false);
}

/**
 * The lease of a delivery released to wait: the queue brings its message back after `delayMs`;
 * the sweeper enqueues it again only if that message is lost, one lease later.
 */
const backupLease = (deps: DispatchDeps, nowMs: number, delayMs: number): string => new Date(nowMs + delayMs + deps.leaseMs).toISOString();

/** Throttled: wait with a growing delay (no attempt used), until a day has gone by. */
async function throttled(deps: DispatchDeps, ref: DeliveryRef, d: ClaimedDelivery, nowMs: number, tally: BroadcastTally): Promise<DispatchOutcome> {
  const metrics = deps.metrics ?? noMetrics;
  const since = d.throttledSince ? Date.parse(d.throttledSince) : nowMs;
  if (nowMs - since >= (deps.throttleLimitMs ?? THROTTLE_LIMIT_MS)) {
    await deps.store.finish(ref, { status: 'failed', error: `retries_exhausted:${REASON_THROTTLED}` }, new Date(nowMs).toISOString(), undefined, tally.idFor(d));
    metrics.count('failed', d.channel);
    return settled(deps, d, 'failed', tally);
  }
  const delayMs = throttleDelayMs(nowMs - since, deps.maxThrottleDelayMs);
  await deps.store.release(ref, {
    reason: REASON_THROTTLED,
    countsAsAttempt: false,
    leaseDue: backupLease(deps, nowMs, delayMs),
    throttledAt: new Date(nowMs).toISOString(),
  });
  metrics.count('throttled', d.channel);
  throw new RetryLater(REASON_THROTTLED, delayMs, true);
}

/**
 * A delivery left `sending` past its lease (the process died after the hand-over, or before a
 * release): it may have been sent, so it ends `failed: outcome_unknown` and is never sent again.
 * Only the claim seen (`sendingSince`) is ended; true when this call ended it.
 */
export async function endUnknown(
  deps: Pick<DispatchDeps, 'store' | 'now' | 'metrics' | 'broadcastSettled'>,
  d: DeliveryRef & { sendingSince: string; broadcastId?: string },
  tally?: BroadcastTally,
): Promise<boolean> {
  const ended = await deps.store.finish(d, { status: 'failed', error: OUTCOME_UNKNOWN }, deps.now().toISOString(), d.sendingSince);
  if (ended) {
    (deps.metrics ?? noMetrics).count('outcome_unknown', 'any');
    await settled(deps as DispatchDeps, d, 'failed', tally);
  }
  return ended;
}
