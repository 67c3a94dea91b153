/**
 * Quarantine: an inbound message from a blocked address is kept for audit only (no inbox, no
 * conversation, no automated answer, its files never fetched) and counted in the block stats.
 * Admins list it with GET /v1/quarantine.
 */
import { ulid } from 'ulid';
import { requireRole, type Caller } from '../../domain/caller.js';
import { validationFailed } from '../../domain/errors.js';
import { rangeBound } from '../blocks/index.js';
import type { Page, PageRequest } from '../page.js';
import type { InboundMessageEvent } from './events.js';
import { limitedText } from './inbound-files.js';
import { AlreadyStored, type InboundDeps, type QuarantineRecord } from './ports.js';

/** Stores the quarantine record once per provider id and counts it; false when it was stored before. */
export async function quarantineMessage(deps: InboundDeps, e: InboundMessageEvent, blockId: string): Promise<boolean> {
  const receivedAt = deps.now().toISOString();
  const record: QuarantineRecord = {
    id: ulid(Date.parse(receivedAt)),
    blockId,
    channel: e.channel,
    from: e.from,
    receivedAt,
    body: limitedText(e.text),
    attachments: e.files.slice(0, 50).map((f) => ({ fileName: f.fileName.slice(0, 255), contentType: f.contentType.slice(0, 255), size: f.size ?? null })),
    provider: e.provider,
    providerMessageId: e.providerMessageId,
  };
  try {
    await deps.quarantine.put(e.practiceId, record);
  } catch (error) {
    if (error instanceof AlreadyStored) return false;
    throw error;
  }
  await deps.blocks.countQuarantined(e.practiceId, receivedAt);
  deps.metrics.count('quarantined', e.channel);
  return true;
}

export interface QuarantineView {
  id: string;
  blockId: string;
  channel: QuarantineRecord['channel'];
  from: string;
  receivedAt: string;
  body: string;
  attachments: QuarantineRecord['attachments'];
}

export const quarantineView = (r: QuarantineRecord): QuarantineView => ({
  id: r.id,
  blockId: r.blockId,
  channel: r.channel,
  from: r.from,
  receivedAt: r.receivedAt,
  body: r.body,
  attachments: r.attachments,
});

export async function listQuarantine(
  deps: Pick<InboundDeps, 'quarantine'>,
  caller: Caller,
  query: PageRequest & { blockId?: string | undefined; from?: string | undefined; to?: string | undefined },
): Promise<Page<QuarantineView>> {
  requireRole(caller, ['admin']);
  const from = rangeBound(query.from, 'from', 'from');
  const to = rangeBound(query.to, 'to', 'to');
  if (from && to && from > to) throw validationFailed([{ path: 'from', message: 'from must not be after to' }]);
  const page = await deps.quarantine.list(caller.practiceId, { ...query, from, to });
  return { items: page.items.map(quarantineView), nextCursor: page.nextCursor };
}
