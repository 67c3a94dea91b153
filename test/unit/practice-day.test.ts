import { describe, expect, it } from 'vitest';
import { dayIn, shiftDay, utcWindowOf } from '../../lambdas/domain/practice-day.js';

describe("The practice's calendar", () => {
  it('a block at 17:22Z on 30 November is on 1 December in Pacific/Kiritimati and 30 November in UTC', () => {
    expect(dayIn('Pacific/Kiritimati', '2026-11-30T17:22:00Z')).toBe('2026-12-01');
    expect(dayIn('UTC', '2026-11-30T17:22:00Z')).toBe('2026-11-30');
    expect(dayIn('Pacific/Pago_Pago', '2026-12-01T05:00:00Z')).toBe('2026-11-30');
  });

  it('shifts across month and year ends', () => {
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('the UTC window around local days holds every instant of them in any zone', () => {
    const w = utcWindowOf('2026-12-01', '2026-12-01');
    for (const iso of ['2026-11-30T10:00:00.000Z', '2026-12-02T10:59:59.999Z']) {
      expect(iso >= w.from && iso < w.to).toBe(true);
    }
  });
});
