/**
 * `GET/PATCH /v1/settings/channels` (admin): the practice's SMS numbers (E.164, read with the
 * practice's region), WhatsApp phone-number ids and inbound email addresses (lower-cased). A
 * PATCH replaces each list it names; what it adds is claimed and what it removes released in
 * the same transaction as the settings, so one destination belongs to one practice at most
 * (409 `channel_address_taken` names the kind, never another practice).
 */
import { requireRole, type Caller } from '../../domain/caller.js';
import { normalizeEmail, normalizePhone } from '../../domain/contact-address.js';
import { concurrentUpdate, conflict, validationFailed, type FieldError } from '../../domain/errors.js';
import { splitReplyToken } from '../../domain/reply-token.js';
import type { Clock } from '../clock.js';
import type { ChannelClaim, ChannelKind, ChannelSettings, ChannelSettingsStore } from './channel-ports.js';

export interface ChannelSettingsDeps {
  channels: ChannelSettingsStore;
  /** The practice's default region (phones without a country code are read with it). */
  regionOf: (practiceId: string) => Promise<string>;
  now: Clock;
}

export type ChannelSettingsPatch = Partial<ChannelSettings>;

const FIELDS: Record<keyof ChannelSettings, ChannelKind> = {
  smsNumbers: 'sms',
  whatsappPhoneNumberIds: 'whatsapp',
  inboundEmailAddresses: 'email',
};

const view = ({ smsNumbers, whatsappPhoneNumberIds, inboundEmailAddresses }: ChannelSettings): ChannelSettings => ({
  smsNumbers,
  whatsappPhoneNumberIds,
  inboundEmailAddresses,
});

export async function getChannelSettings(deps: ChannelSettingsDeps, caller: Caller): Promise<ChannelSettings> {
  requireRole(caller, ['admin']);
  return view(await deps.channels.get(caller.practiceId));
}

/** Normalised lists of a patch, or every invalid entry (path `smsNumbers.1`). */
function normalise(patch: ChannelSettingsPatch, region: string): { next: ChannelSettingsPatch; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const next: ChannelSettingsPatch = {};
  const one = (field: keyof ChannelSettings, value: string, i: number): string | null => {
    const path = `${field}.${i}`;
    if (field === 'smsNumbers') {
      const r = normalizePhone(value, region);
      if (!r.ok) errors.push({ path, message: r.message });
      return r.ok ? r.e164 : null;
    }
    if (field === 'inboundEmailAddresses') {
      const email = normalizeEmail(value);
      if (email === null) errors.push({ path, message: 'Not a valid email address' });
      else if (splitReplyToken(email).replyToken !== undefined || email.split('@')[0]!.includes('+')) {
        errors.push({ path, message: 'An inbound address cannot contain "+": the part after it carries reply tokens' });
        return null;
      }
      return email;
    }
    if (!/^\d{1,32}$/.test(value.trim())) errors.push({ path, message: 'A WhatsApp phone-number id is digits' });
    return value.trim();
  };
  for (const field of Object.keys(FIELDS) as (keyof ChannelSettings)[]) {
    const list = patch[field];
    if (list === undefined) continue;
    const values = list.map((v, i) => one(field, v, i)).filter((v): v is string => v !== null);
    next[field] = [...new Set(values)];
  }
  return { next, errors };
}

export async function updateChannelSettings(deps: ChannelSettingsDeps, caller: Caller, patch: ChannelSettingsPatch): Promise<ChannelSettings> {
  requireRole(caller, ['admin']);
  const needsRegion = patch.smsNumbers !== undefined && patch.smsNumbers.length > 0;
  const { next, errors } = normalise(patch, needsRegion ? await deps.regionOf(caller.practiceId) : 'US');
  if (errors.length > 0) throw validationFailed(errors);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.channels.get(caller.practiceId);
    const updated: ChannelSettings = { ...view(current), ...next };
    const claim: ChannelClaim[] = [];
    const release: ChannelClaim[] = [];
    for (const [field, kind] of Object.entries(FIELDS) as [keyof ChannelSettings, ChannelKind][]) {
      const before = new Set(current[field]);
      const after = new Set(updated[field]);
      for (const value of after) if (!before.has(value)) claim.push({ kind, value });
      for (const value of before) if (!after.has(value)) release.push({ kind, value });
    }
    const out = await deps.channels.replace(caller.practiceId, current.version, updated, claim, release, deps.now().toISOString());
    if (out === 'ok') return updated;
    if (out !== 'changed') {
      throw conflict('channel_address_taken', 'Another practice already holds one of these numbers, phone-number ids or addresses.', {
        taken: out.taken.map((c) => ({ kind: c.kind, value: c.value })),
      });
    }
  }
  throw concurrentUpdate();
}
