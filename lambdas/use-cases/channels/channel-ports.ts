/**
 * Channel settings: which SMS numbers, WhatsApp phone-number ids and inbound email addresses are
 * a practice's. Each is claimed by one practice at most, in the same transaction that changes
 * the settings; webhooks find the practice by destination through the claims.
 */

export type ChannelKind = 'sms' | 'whatsapp' | 'email';

export interface ChannelSettings {
  smsNumbers: string[];
  whatsappPhoneNumberIds: string[];
  inboundEmailAddresses: string[];
}

export const noChannels = (): ChannelSettings => ({ smsNumbers: [], whatsappPhoneNumberIds: [], inboundEmailAddresses: [] });

export interface ChannelClaim {
  kind: ChannelKind;
  value: string;
}

export interface ChannelSettingsStore {
  get(practiceId: string): Promise<ChannelSettings & { version: number }>;
  /**
   * Writes `next` if the settings are still at `version`, claiming `claim` and releasing
   * `release` in the same transaction. `taken` when a claim is held by another practice;
   * `changed` when the settings moved since the read.
   */
  replace(
    practiceId: string,
    version: number,
    next: ChannelSettings,
    claim: ChannelClaim[],
    release: ChannelClaim[],
    at: string,
  ): Promise<'ok' | 'changed' | { taken: ChannelClaim[] }>;
  /** The practice holding a destination (one GetItem), or null. */
  holder(kind: ChannelKind, value: string): Promise<string | null>;
}
