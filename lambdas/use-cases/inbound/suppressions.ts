/**
 * GET /v1/suppressions (manage_contacts or admin) and DELETE /v1/suppressions/{id} (admin): a
 * bounce or complaint suppression can be lifted by an admin; an opt-out only by the recipient
 * (409 opt_out_by_recipient).
 */
import { requirePermission, requireRole, type Caller } from '../../domain/caller.js';
import { normalizeSearchQuery } from '../../domain/contact-address.js';
import { conflict, notFound } from '../../domain/errors.js';
import type { Page, PageRequest } from '../page.js';
import type { InboundDeps, SuppressionQuery, SuppressionRecord } from './ports.js';

export interface SuppressionView {
  id: string;
  channel: SuppressionRecord['channel'];
  address: string;
  reason: SuppressionRecord['reason'];
  at: string;
}

export const suppressionView = (s: SuppressionRecord): SuppressionView => ({ id: s.id, channel: s.channel, address: s.address, reason: s.reason, at: s.at });

export async function listSuppressions(
  deps: Pick<InboundDeps, 'suppressions'>,
  caller: Caller,
  query: PageRequest & { channel?: SuppressionQuery['channel']; q?: string | undefined },
): Promise<Page<SuppressionView>> {
  requirePermission(caller, 'manage_contacts');
  const q = query.q === undefined ? '' : normalizeSearchQuery(query.q);
  const page = await deps.suppressions.list(caller.practiceId, { ...query, q: q === '' ? undefined : q });
  return { items: page.items.map(suppressionView), nextCursor: page.nextCursor };
}

export async function liftSuppression(deps: Pick<InboundDeps, 'suppressions'>, caller: Caller, id: string): Promise<void> {
  requireRole(caller, ['admin']);
  const s = await deps.suppressions.byId(caller.practiceId, id);
  if (!s) throw notFound('Suppression');
  if (s.reason === 'opt_out') throw optedOut();
  // Lifted only while still a bounce or complaint: an opt-out that replaced it meanwhile stays.
  if (!(await deps.suppressions.lift(caller.practiceId, s, ['bounce', 'complaint']))) {
    const now = await deps.suppressions.byId(caller.practiceId, id);
    if (now?.reason === 'opt_out') throw optedOut();
  }
}

const optedOut = () =>
  conflict('opt_out_by_recipient', 'The recipient opted out by SMS keyword; only they can lift it (by sending START).');
