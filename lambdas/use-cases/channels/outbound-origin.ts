/**
 * Where a practice's outbound messages go out from: SMS from its first number, WhatsApp from its
 * first phone-number id, email with a `Reply-To` token address on its first inbound address.
 * The dispatcher reads it once per practice per minute (one GetItem, cached in the warm function).
 */
import { replyToAddress } from '../../domain/reply-token.js';
import type { ChannelSettingsStore } from './channel-ports.js';

export interface OutboundOrigin {
  smsFrom?: string;
  whatsappFrom?: string;
  /** The practice's first inbound address: the base of `Reply-To`. */
  inboundAddress?: string;
}

export type OriginSource = (practiceId: string) => Promise<OutboundOrigin>;

export function cachedOrigins(store: Pick<ChannelSettingsStore, 'get'>, ttlMs = 60_000, now: () => number = Date.now, maxEntries = 1000): OriginSource {
  const cache = new Map<string, { at: number; origin: Promise<OutboundOrigin> }>();
  return (practiceId) => {
    const hit = cache.get(practiceId);
    if (hit && now() - hit.at < ttlMs) return hit.origin;
    const origin = store.get(practiceId).then((s) => ({
      ...(s.smsNumbers[0] ? { smsFrom: s.smsNumbers[0] } : {}),
      ...(s.whatsappPhoneNumberIds[0] ? { whatsappFrom: s.whatsappPhoneNumberIds[0] } : {}),
      ...(s.inboundEmailAddresses[0] ? { inboundAddress: s.inboundEmailAddresses[0] } : {}),
    }));
    origin.catch(() => cache.delete(practiceId));
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(practiceId, { at: now(), origin });
    return origin;
  };
}

/** The `from` / `replyTo` an outbound message of a conversation carries on `channel`. */
export function originFields(origin: OutboundOrigin, channel: 'email' | 'sms' | 'whatsapp', conversationId: string): { from?: string; replyTo?: string } {
  if (channel === 'sms' && origin.smsFrom) return { from: origin.smsFrom };
  if (channel === 'whatsapp' && origin.whatsappFrom) return { from: origin.whatsappFrom };
  if (channel === 'email' && origin.inboundAddress) return { replyTo: replyToAddress(origin.inboundAddress, conversationId) };
  return {};
}
