/**
 * What a provider payload parses into before its practice is known: the destination that routes
 * it (our number, phone-number id or inbound address) and the event without the practice.
 */
import type { DeliveryReceiptEvent, InboundMessageEvent } from '../../use-cases/inbound/events.js';
import type { ChannelKind } from '../../use-cases/channels/channel-ports.js';

export interface Destination {
  kind: ChannelKind;
  /** As the provider names it: an E.164 number, a phone-number id, an email address (maybe with `+token`). */
  value: string;
}

export type MessageDraft = Omit<InboundMessageEvent, 'practiceId' | 'to' | 'replyToken'>;

export interface InboundDraft {
  /** Candidates in order (an email may name several recipients): the first one a practice holds routes it. */
  destinations: Destination[];
  message: MessageDraft;
}

export interface ReceiptDraft {
  /** Our number or phone-number id, when the provider names it (the practice holding it is the receipt's practice). */
  destination?: Destination;
  receipt: DeliveryReceiptEvent;
}

export interface ParsedWebhook {
  messages: InboundDraft[];
  receipts: ReceiptDraft[];
}

export const nothingParsed = (): ParsedWebhook => ({ messages: [], receipts: [] });

/** `+15555550101`, `15555550101` (WhatsApp sends digits) → E.164; null when it cannot be a number. */
export function e164(raw: string | undefined): string | null {
  if (!raw) return null;
  const digits = raw.trim().replace(/^whatsapp:/, '').replace(/[\s().-]/g, '');
  const withPlus = digits.startsWith('+') ? digits : `+${digits}`;
  return /^\+[1-9]\d{6,14}$/.test(withPlus) ? withPlus : null;
}

/** An ISO time from epoch seconds (string or number); `fallback` when it is not one. */
export function fromEpochSeconds(raw: unknown, fallback: string): string {
  const n = typeof raw === 'string' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : fallback;
}
