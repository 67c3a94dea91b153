/**
 * What the webhook edge hands to the inbound use cases, once a request's signature is verified,
 * its payload parsed and its practice found by destination: provider shapes end at the edge, the
 * use cases see only these. Addresses are normalised (email trimmed and lower-cased, phones E.164).
 */

export type InboundChannel = 'email' | 'sms' | 'whatsapp';
export type InboundProvider = 'ses' | 'twilio' | 'eum' | 'whatsapp';

/** A file that arrived with an inbound message; its bytes are loaded only when it is kept. */
export interface InboundFile {
  fileName: string;
  /** As the provider declared it (checked again against the bytes before it becomes an attachment). */
  contentType: string;
  /** As the provider declared it, when it did. */
  size?: number;
  /** The bytes (email parts: already in hand; Twilio/WhatsApp media: fetched from the provider). Null when it could not be fetched. */
  load(): Promise<Uint8Array | null>;
}

export interface InboundMessageEvent {
  practiceId: string;
  channel: InboundChannel;
  provider: InboundProvider;
  /** The provider's id of this message (SES message id, Twilio MessageSid, EUM inboundMessageId, WhatsApp wamid): stored once per id. */
  providerMessageId: string;
  /** The sender's address, normalised. */
  from: string;
  /** The practice's destination that routed it (number, phone-number id, or inbound address without the +token). */
  to: string;
  receivedAt: string;
  /** Email only. */
  subject?: string;
  /** The text body (email: the text part, or the HTML part turned to text). May be empty when only files came. */
  text: string;
  /** Email only: the `+<token>` of the recipient address our `Reply-To` carried. */
  replyToken?: string;
  /** Email only: Message-IDs from `In-Reply-To` and `References`, without angle brackets. */
  inReplyTo?: string[];
  files: InboundFile[];
}

/** A provider's word on a delivery we sent, matched by the provider's message id. */
export interface DeliveryReceiptEvent {
  provider: InboundProvider;
  channel: InboundChannel;
  providerMessageId: string;
  /** The practice, when the edge knows it (routing by our number or phone-number id, or the SES `practice` message tag). */
  practiceId?: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'bounced' | 'complained';
  at: string;
  /** Bounces: a permanent bounce suppresses the address; a transient one does not. */
  permanent?: boolean;
  /** The recipient addresses the receipt names (bounced or complaining recipients), normalised. */
  recipients?: string[];
  /** Short machine code of a failure (no provider free text, no PHI), e.g. `twilio_30006`, `whatsapp_131026`. */
  errorCode?: string;
}

/** The port the webhook edge calls; `lambdas/use-cases/inbound/` implements it. */
export interface InboundSink {
  /** Stores the message once per provider id (quarantine when the sender is blocked; SMS keywords opt out / back in). */
  message(event: InboundMessageEvent): Promise<{ stored: boolean }>;
  /** Moves the matching delivery forward only; unknown ids are ignored (counted). */
  receipt(event: DeliveryReceiptEvent): Promise<void>;
}
