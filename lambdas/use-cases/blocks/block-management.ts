/** Reading, editing and lifting blocks; the list and a block's history (the stats: block-stats.ts). */
import { ulid } from 'ulid';
import { requirePermission, type Caller } from '../../domain/caller.js';
import { normalizeSearchQuery } from '../../domain/contact-address.js';
import { concurrentUpdate, conflict, notFound, validationFailed } from '../../domain/errors.js';
import { strictlyLater } from '../clock.js';
import type { Page, PageRequest } from '../page.js';
import { blockView, by, followBlocks, type BlockDeps, type BlockOptions, type BlockView } from './block-address.js';
import type { BlockEvent, BlockListQuery, BlockRecord } from './ports.js';

// ------------------------------------------------------------------ read, edit, unblock

async function load(deps: BlockDeps, caller: Caller, id: string): Promise<BlockRecord> {
  const b = await deps.blocks.get(caller.practiceId, id);
  if (!b) throw notFound('Block');
  return b;
}

export async function getBlock(deps: BlockDeps, caller: Caller, id: string): Promise<BlockView> {
  requirePermission(caller, 'manage_contacts');
  return blockView(await load(deps, caller, id));
}

const notActive = () =>
  conflict('block_not_active', 'This block has been lifted; block the address again instead.');
const concurrent = () =>
  concurrentUpdate('The block changed while it was being updated; read it again and retry.');

export async function updateBlock(deps: BlockDeps, caller: Caller, id: string, input: BlockOptions): Promise<BlockView> {
  requirePermission(caller, 'manage_contacts');
  const before = await load(deps, caller, id);
  if (before.status !== 'active') throw notActive();
  const after: BlockRecord = {
    ...before,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.hideExisting !== undefined ? { hideExisting: input.hideExisting } : {}),
    updatedAt: strictlyLater(before.updatedAt, deps.now()),
  };
  const changes: BlockEvent['changes'] = {};
  if (after.reason !== before.reason) changes['reason'] = { from: before.reason, to: after.reason };
  if (after.hideExisting !== before.hideExisting) changes['hideExisting'] = { from: before.hideExisting, to: after.hideExisting };
  if (Object.keys(changes).length === 0) return blockView(before);
  const event: BlockEvent = { id: ulid(), action: 'updated', by: by(caller), at: after.updatedAt, changes };
  if (!(await deps.blocks.update(caller.practiceId, before, after, event))) throw concurrent();
  return blockView(after);
}

/** Lifts a block: the address can be messaged again at once. The record and its history stay. */
export async function unblock(deps: BlockDeps, caller: Caller, id: string): Promise<BlockRecord> {
  requirePermission(caller, 'manage_contacts');
  const before = await load(deps, caller, id);
  if (before.status !== 'active') return before;
  const at = strictlyLater(before.updatedAt, deps.now());
  const after: BlockRecord = { ...before, status: 'unblocked', unblockedAt: at, unblockedBy: by(caller), updatedAt: at };
  const event: BlockEvent = { id: ulid(), action: 'unblocked', by: by(caller), at, changes: { status: { from: 'active', to: 'unblocked' } } };
  if (!(await deps.blocks.unblock(caller.practiceId, before, after, event))) throw concurrent();
  return after;
}

/** DELETE /v1/blocks/{id}: lifts the block and tells the follower (a contact owning the address becomes active when no block is left). */
export async function liftBlock(deps: BlockDeps, caller: Caller, id: string): Promise<void> {
  // Following is idempotent: a block lifted before is followed again harmlessly.
  await followBlocks(deps, caller, [await unblock(deps, caller, id)]);
}

/**
 * A bound of a blocking-date range, as the UTC instant blocks are stored with. A date alone
 * means the start of that day for `from` and its end for `to`; a time may carry any offset.
 */
export function rangeBound(raw: string | undefined, edge: 'from' | 'to', path: string): string | undefined {
  if (raw === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  const instant = Date.parse(dateOnly ? `${raw}T00:00:00.000Z` : raw);
  // Date.parse rolls 2026-02-30 over to March: a real date reads back as itself.
  const real = !Number.isNaN(instant) && (!dateOnly || new Date(instant).toISOString().slice(0, 10) === raw);
  if (!(dateOnly || dateTime) || !real) {
    throw validationFailed([{ path, message: 'An ISO 8601 date (2026-11-22) or date-time with offset' }]);
  }
  return new Date(dateOnly && edge === 'to' ? instant + 86_400_000 - 1 : instant).toISOString();
}

export async function listBlocks(deps: BlockDeps, caller: Caller, query: BlockListQuery): Promise<Page<BlockView>> {
  requirePermission(caller, 'manage_contacts');
  // Read as GET /v1/contacts?q= reads it: phone-like input as its digits, else lower-case text.
  const q = query.q === undefined ? '' : normalizeSearchQuery(query.q);
  const blockedFrom = rangeBound(query.blockedFrom, 'from', 'blockedFrom');
  const blockedTo = rangeBound(query.blockedTo, 'to', 'blockedTo');
  if (blockedFrom && blockedTo && blockedFrom > blockedTo) {
    throw validationFailed([{ path: 'blockedFrom', message: 'blockedFrom must not be after blockedTo' }]);
  }
  const page = await deps.blocks.list(caller.practiceId, {
    ...query,
    blockedFrom,
    blockedTo,
    q: q === '' ? undefined : q,
  });
  return { items: page.items.map(blockView), nextCursor: page.nextCursor };
}

export async function blockHistory(deps: BlockDeps, caller: Caller, id: string, page: PageRequest): Promise<Page<BlockEvent>> {
  requirePermission(caller, 'manage_contacts');
  await load(deps, caller, id);
  return deps.blocks.history(caller.practiceId, id, page);
}

