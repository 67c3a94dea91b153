import { describe, expect, it } from 'vitest';
import {
  isRegionCode,
  nameSearchTokens,
  normalizeEmail,
  normalizePhone,
  normalizeSearchQuery,
  phoneSearchTokens,
} from '../../lambdas/domain/contact-address.js';

describe('Domain: contact addresses', () => {
  it('reads three spellings of one UK mobile as one E.164 number', () => {
    const spellings = [
      normalizePhone('+44 7700 900123', 'US'),
      normalizePhone('07700900123', 'GB'),
      normalizePhone('+447700900123', 'US'),
    ];
    expect(spellings).toEqual([
      { ok: true, e164: '+447700900123' },
      { ok: true, e164: '+447700900123' },
      { ok: true, e164: '+447700900123' },
    ]);
  });

  it('reads a national number with the default region it is given', () => {
    expect(normalizePhone('(202) 555-0143', 'US')).toEqual({ ok: true, e164: '+12025550143' });
    expect(normalizePhone('07700900123', 'US').ok).toBe(false);
  });

  it('refuses text and numbers of an impossible length', () => {
    for (const bad of ['', 'call me', '555', '+1 202 555 01433333']) expect(normalizePhone(bad, 'US').ok).toBe(false);
  });

  it('trims and lower-cases emails, and refuses what is not one', () => {
    expect(normalizeEmail('  Pat.Jordan@Example.COM ')).toBe('pat.jordan@example.com');
    for (const bad of ['nope', 'a@b', 'a b@c.d', '@x.com']) expect(normalizeEmail(bad)).toBeNull();
  });

  it('finds a phone by its E.164 digits, national number and national dialling form', () => {
    expect(phoneSearchTokens('+447700900123').sort()).toEqual(['07700900123', '447700900123', '7700900123']);
  });

  it('reads a phone-like query as digits and anything else as lower-case text', () => {
    expect(normalizeSearchQuery('(415) 555-')).toBe('415555');
    expect(normalizeSearchQuery('+44 7700')).toBe('447700');
    expect(normalizeSearchQuery('  Maria ')).toBe('maria');
    expect(normalizeSearchQuery('a#b')).toBe('ab');
  });

  it('splits names into words plus the whole name', () => {
    expect(nameSearchTokens('Maria  de la Cruz').sort()).toEqual(['cruz', 'de', 'la', 'maria', 'maria  de la cruz'].sort());
  });

  it('knows ISO region codes', () => {
    expect(isRegionCode('GB')).toBe(true);
    expect(isRegionCode('XX')).toBe(false);
    expect(isRegionCode('gb')).toBe(false);
  });
});
