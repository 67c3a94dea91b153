/**
 * Provider ports: between the dispatcher and the outbound providers (SES, SNS, WhatsApp Cloud API, the
 * local outbox). The dispatcher decides *whether* to send (block and suppression checks, the
 * `queued → sending → sent` conditional updates); a sender only hands one message to one
 * provider and says how that went.
 */

export type ProviderChannel = 'email' | 'sms' | 'whatsapp';

export interface OutboundMessage {
  /** Stable id of the delivery item; used as the provider idempotency/dedupe token where the provider supports one, and in logs. */
  deliveryId: string;
  /** Whose message: SES sends carry it as the `practice` message tag and an `X-Practice-Id` header, so receipts find the practice. */
  practiceId: string;
  channel: ProviderChannel;
  /** Email address or E.164 number. */
  to: string;
  /** Email only. */
  subject?: string;
  text: string;
  /** Email only: the sanitised rich-text body; the email then carries text and HTML (multipart/alternative). */
  html?: string;
  /**
   * Where it goes out from, when the practice has its own: SMS the practice's E.164 number, WhatsApp
   * its phone-number id. Absent: the sender's configured default. Email always goes from the
   * configured sender and uses `replyTo` instead.
   */
  from?: string;
  /** Email only: the `Reply-To` address that threads an answer back into the conversation. */
  replyTo?: string;
  /** Files to carry (email: MIME parts; WhatsApp: one media message each). Never on SMS. */
  attachments?: OutboundAttachment[];
}

/** A file an outbound message carries: where it is in the attachments bucket, and what it is. */
export interface OutboundAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  /** Object key in the attachments bucket. */
  key: string;
}

/** Where a sender reads an attachment's bytes (the attachments bucket): a port, so senders stay testable. */
export interface AttachmentBytes {
  read(key: string): Promise<Uint8Array>;
}

/**
 * The outcome of one send.
 * - `ok: true`: the provider accepted the message; record `providerMessageId` before anything else.
 * - `retryable: true`: nothing is known to be wrong with this message; try again later (throttling,
 *   provider outage, a connection that never opened, and conditions of our own account or
 *   configuration that an operator fixes). `reason: 'throttled'` waits without using up an attempt.
 * - `ambiguous: true`: the request left and no answer came back (a timeout, a connection reset):
 *   the provider may have accepted it. The delivery ends `failed: outcome_unknown`, never re-sent.
 * - `retryable: false`: this message to this recipient will never succeed as it is; mark `failed`
 *   (or `suppressed` when `reason` is {@link REASON_OPTED_OUT}).
 *
 * `reason` is short machine-ish text (`throttled`, `message_rejected`, `whatsapp_131026_undeliverable`)
 * and never contains PHI: never the address, the body, or a provider's free-text error message.
 */
export type SendResult =
  | { ok: true; providerMessageId: string }
  | { ok: false; retryable: boolean; reason: string; ambiguous?: boolean };

/** The provider refused for rate: the delivery waits (the queue's growing delay), no attempt used. */
export const REASON_THROTTLED = 'throttled';

/** The recipient has opted out with the provider; the dispatcher marks the delivery `suppressed`. */
export const REASON_OPTED_OUT = 'opted_out';

export interface ChannelSender {
  readonly channel: ProviderChannel;
  /** Never throws for a provider or network failure: every outcome is a {@link SendResult}. */
  send(message: OutboundMessage): Promise<SendResult>;
}

/** One sender per channel, as the dispatcher holds them. */
export type ChannelSenders = Record<ProviderChannel, ChannelSender>;
