/**
 * The delivery store: the port between the dispatcher (and the sweeper) and the table that holds
 * deliveries (the transactional outbox), the blocklist and the suppressions. The provider side
 * (SES, SNS, WhatsApp) is in `provider-ports.ts`.
 *
 * Every delivery still `queued` or `sending` carries a lease: when the sweeper should look at it
 * if nothing else has moved it on. The store keeps the lease (a sparse index) and drops it when
 * the delivery ends.
 */
import type { OutboundAttachment, ProviderChannel } from './provider-ports.js';

/** What a delivery sends: the message as stored (email also the conversation's subject). */
export interface MessageContent {
  subject: string | null;
  /** The text (for rich text: the text of the sanitised HTML). */
  body: string;
  /** The sanitised HTML of a rich-text message (email carries it beside the text). */
  html?: string;
  /** The message's files, with their object keys. */
  attachments?: OutboundAttachment[];
}

/** Which delivery: all a queue message carries (no address, no content). */
export interface DeliveryRef {
  practiceId: string;
  conversationId: string;
  /** Sort key of the delivery item: its id within the conversation partition. */
  sk: string;
}

/** A delivery item as the stream hands it to the dispatcher (new, status `queued`). */
export interface QueuedDelivery extends DeliveryRef {
  messageId: string;
  channel: ProviderChannel | 'portal' | 'call';
  address: string | null;
  purpose: 'message' | 'notification';
  broadcastId?: string;
  /** The message text carried on the delivery itself (a broadcast's short SMS and WhatsApp): no message read to send it. */
  text?: string;
}

/** The delivery as the claim read it back. */
export interface ClaimedDelivery extends QueuedDelivery {
  createdAt?: string;
  /** When the provider first throttled it (the one-day limit runs from here). */
  throttledSince?: string;
}

/**
 * The result of `queued → sending` (only deliveries a provider sends: email, SMS, WhatsApp with
 * an address): the attempt number and the delivery, or the status found instead.
 */
export type Claim =
  | { claimed: true; attempt: number; delivery: ClaimedDelivery }
  | { claimed: false; status: string; sendingSince?: string };

/** How a claimed delivery ends. */
export type DeliveryEnd =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'failed' | 'blocked' | 'suppressed'; error?: string };

/** sending → queued again. */
export interface Release {
  reason: string;
  /** False for throttling and for failures before the hand-over: the attempt is given back. */
  countsAsAttempt: boolean;
  /** The new lease: when the sweeper should dispatch it again if the queue has not. */
  leaseDue: string;
  /** Set on a throttle: the first throttle's time is kept (the one-day limit). */
  throttledAt?: string;
}

export type AddressBarrier = 'blocked' | 'suppressed';

/** An address whose blocks and suppressions are read at dispatch time. */
export interface AddressLookup {
  practiceId: string;
  type: 'email' | 'phone';
  value: string;
}

/** A delivery the sweeper found past its lease. */
export interface OverdueDelivery extends DeliveryRef {
  status: 'queued' | 'sending';
  sendingSince?: string;
  broadcastId?: string;
}

export interface DeliveryStore {
  /** queued → sending with a lease until `leaseDue`; the attempt number, or the current status when not claimable. */
  claim(d: DeliveryRef, at: string, leaseDue: string): Promise<Claim>;
  /**
   * sending → a final status (sent with the provider id, failed, blocked, suppressed); drops the
   * lease. With `sendingSince`, only the claim made then (the sweeper's guard against a newer one).
   * With `tallyId`, the delivery is stamped with the open tally that will count it (TallyStore).
   * False when the delivery was no longer that claim (nothing written).
   */
  finish(d: DeliveryRef, outcome: DeliveryEnd, at: string, sendingSince?: string, tallyId?: string): Promise<boolean>;
  /** sending → queued again, to be dispatched again. */
  release(d: DeliveryRef, release: Release): Promise<void>;
  /** A queued delivery's lease moves to `leaseDue` (the sweeper re-dispatches it); false if no longer queued. */
  renewLease(d: DeliveryRef, leaseDue: string): Promise<boolean>;
  /** Deliveries whose lease is due before `now`, at most `limit` (the sparse index). */
  overdue(now: string, limit: number): Promise<OverdueDelivery[]>;
  /**
   * Is each address blocked or suppressed right now? One answer per lookup, in order: one
   * strongly consistent BatchGetItem for a whole batch (both keys of each address).
   */
  barriers(lookups: readonly AddressLookup[]): Promise<(AddressBarrier | null)[]>;
  suppress(practiceId: string, type: 'email' | 'phone', value: string, reason: string, at: string): Promise<void>;
  /** What to send: the message body (and the conversation subject for email); null once deleted. */
  content(d: QueuedDelivery): Promise<MessageContent | null>;
}

/** A batch's settled deliveries of one broadcast, by outcome. */
export interface BroadcastCount {
  broadcastId: string;
  outcomes: Partial<Record<'sent' | 'failed' | 'blocked' | 'suppressed', number>>;
}

/** A tally the sweeper found open past its lease: its batch died between an outcome and the count. */
export interface OpenTally {
  practiceId: string;
  tallyId: string;
  deliveries: DeliveryRef[];
}

/**
 * A dispatcher batch's broadcast count, made safe against the batch dying between an outcome and
 * its count: before the first send the batch opens a tally (one item listing its claimed
 * broadcast deliveries, on the sweeper's lease index); each outcome stamps the delivery with the
 * tally's id (in the finish write itself); the count is added and the tally deleted in one
 * transaction. A tally still open a lease later is closed by the sweeper with the outcomes
 * stamped with its id: each delivery is counted exactly once either way.
 */
export interface TallyStore {
  open(practiceId: string, tallyId: string, deliveries: readonly DeliveryRef[], leaseDue: string): Promise<void>;
  /** Adds the counts to their broadcasts and deletes the tally, in one transaction; false when it was closed before (nothing added). */
  close(practiceId: string, tallyId: string, counts: readonly BroadcastCount[]): Promise<boolean>;
  overdue(now: string, limit: number): Promise<OpenTally[]>;
  /** The outcomes, per broadcast, of those of the tally's deliveries that its batch finished (stamped with its id). */
  finishedUnder(tally: OpenTally): Promise<BroadcastCount[]>;
}

/** What the pipeline counts (CloudWatch EMF on AWS); ids never, PHI never. */
export type DeliveryMetric = 'sent' | 'failed' | 'blocked' | 'suppressed' | 'throttled' | 'outcome_unknown' | 'released' | 'stuck';

export interface DeliveryMetrics {
  count(metric: DeliveryMetric, channel: string): void;
  /** From the message's creation to the provider's acceptance. */
  latency(ms: number, channel: string): void;
}

export const noMetrics: DeliveryMetrics = { count: () => undefined, latency: () => undefined };
