/**
 * Normalisation of contact addresses, the one place where "the same address" is decided:
 * emails trimmed and lower-cased, phones to E.164 read with the practice's default region.
 */
import { getCountries, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export type PhoneResult = { ok: true; e164: string } | { ok: false; message: string };

export function normalizePhone(raw: string, defaultRegion: string): PhoneResult {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, message: 'Phone number is empty' };
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion as CountryCode);
  // isPossible (right length for the region) rather than isValid (a number range assigned
  // today): Ofcom's drama range +44 7700 900xxx and newly opened ranges must still be accepted.
  if (!parsed || !parsed.isPossible()) {
    return { ok: false, message: `Not a valid phone number (read with default region ${defaultRegion})` };
  }
  return { ok: true, e164: parsed.number };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  return EMAIL.test(value) && value.length <= 254 ? value : null;
}

/**
 * The search tokens a phone number can be found by: its E.164 digits (`447700900123`), its
 * national significant number (`7700900123`) and its national dialling form (`07700900123`).
 */
export function phoneSearchTokens(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  const digits = (s: string) => s.replace(/\D/g, '');
  const tokens = new Set([digits(e164)]);
  if (parsed) {
    tokens.add(digits(parsed.nationalNumber));
    tokens.add(digits(parsed.formatNational()));
  }
  return [...tokens].filter((t) => t.length > 0);
}

/** Reads a search query: phone-like input becomes digits, anything else lower-case text. */
export function normalizeSearchQuery(q: string): string {
  const trimmed = q.trim().toLowerCase();
  if (/^[+\d\s().-]+$/.test(trimmed) && /\d/.test(trimmed)) return trimmed.replace(/\D/g, '');
  return trimmed.replace(/#/g, '');
}

/** Name tokens: each word and the whole name, lower-cased. */
export function nameSearchTokens(name: string): string[] {
  const lower = name.trim().toLowerCase().replace(/#/g, '');
  const words = lower.split(/\s+/).filter(Boolean);
  return [...new Set([lower, ...words])].filter((t) => t.length > 0);
}

/**
 * ISO 3166 alpha-2 codes that phone numbers can be read with. The set is built on first use, so
 * a module importing only the text helpers here (search queries, emails, names) bundles no phone
 * metadata (a module-level call would keep it in every importer's bundle).
 */
export const isRegionCode = (code: string): boolean => (supportedRegions ??= new Set<string>(getCountries())).has(code);

let supportedRegions: Set<string> | undefined;
