/**
 * The delivery store: the port between the dispatcher and the table that holds deliveries (the
 * transactional outbox), the blocklist and the suppressions. The provider side (SES, SNS,
 * WhatsApp) is in `provider-ports.ts`.
 */
import type { ProviderChannel } from './provider-ports.js';

/** A delivery item as the stream hands it to the dispatcher (new, status `queued`). */
export interface QueuedDelivery {
  practiceId: string;
  conversationId: string;
  messageId: string;
  /** Sort key of the delivery item: its id within the conversation partition. */
  sk: string;
  channel: ProviderChannel | 'portal' | 'call';
  address: string | null;
  purpose: 'message' | 'notification';
  broadcastId?: string;
}

/** The result of `queued → sending`: the attempt number, or the status found instead. */
export type Claim = { claimed: true; attempt: number } | { claimed: false; status: string; sendingSince?: string };

/** How a claimed delivery ends. */
export type DeliveryEnd =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'failed' | 'blocked' | 'suppressed'; error?: string };

export type AddressBarrier = 'blocked' | 'suppressed';

export interface DeliveryStore {
  /** queued → sending; returns the attempt number, or the current status when not queued. */
  claim(d: QueuedDelivery, at: string): Promise<Claim>;
  /** sending → a final status (sent with the provider id, failed, blocked, suppressed). */
  finish(d: QueuedDelivery, outcome: DeliveryEnd, at: string): Promise<void>;
  /** sending → queued again, to be retried. */
  release(d: QueuedDelivery, reason: string): Promise<void>;
  /** Is the address blocked or suppressed right now? One BatchGetItem for both. */
  barrier(practiceId: string, type: 'email' | 'phone', value: string): Promise<AddressBarrier | null>;
  suppress(practiceId: string, type: 'email' | 'phone', value: string, reason: string, at: string): Promise<void>;
  /** What to send: the message body (and the conversation subject for email); null once deleted. */
  content(d: QueuedDelivery): Promise<{ subject: string | null; body: string } | null>;
}
