/**
 * GET /v1/blocks/stats: blocks, unblocks and quarantined messages counted per day of the
 * practice's time zone. Counters are stored per 15-minute UTC slot (every zone offset is a
 * whole number of quarter hours, so a slot lies in one local day); one Query reads the slots
 * around the range and each is put on the practice's day it falls on.
 */
import { requirePermission, type Caller } from '../../domain/caller.js';
import { validationFailed } from '../../domain/errors.js';
import { dayIn, shiftDay, utcWindowOf } from '../../domain/practice-day.js';
import type { BlockDeps } from './block-address.js';

export async function blockStats(deps: BlockDeps, caller: Caller, input: { from?: string | undefined; to?: string | undefined }) {
  requirePermission(caller, 'manage_contacts');
  const { timeZone } = await deps.directory.getSettings(caller.practiceId);
  const to = input.to ?? dayIn(timeZone, deps.now());
  const from = input.from ?? shiftDay(to, -29);
  if (from > to) throw validationFailed([{ path: 'from', message: 'from must not be after to' }]);
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw validationFailed([{ path: 'from', message: 'The range is at most 366 days' }]);
  const window = utcWindowOf(from, to);
  const perDay = new Map<string, { blocked: number; unblocked: number; quarantined: number }>();
  for (const slot of await deps.blocks.slotCounts(caller.practiceId, window.from, window.to)) {
    const day = dayIn(timeZone, slot.at);
    if (day < from || day > to) continue;
    const d = perDay.get(day) ?? { blocked: 0, unblocked: 0, quarantined: 0 };
    d.blocked += slot.blocked;
    d.unblocked += slot.unblocked;
    d.quarantined += slot.quarantined;
    perDay.set(day, d);
  }
  const days = [...perDay].sort(([a], [b]) => (a < b ? -1 : 1));
  const total = (field: 'blocked' | 'unblocked' | 'quarantined') => days.reduce((n, [, d]) => n + d[field], 0);
  const blocked = total('blocked');
  const unblocked = total('unblocked');
  return {
    from,
    to,
    blocked: days.filter(([, d]) => d.blocked > 0).map(([date, d]) => ({ date, count: d.blocked })),
    totalBlocked: blocked,
    unblocked,
    unblockRate: blocked === 0 ? 0 : Math.round((unblocked / blocked) * 10_000) / 10_000,
    quarantined: total('quarantined'),
  };
}
