/**
 * Drafts: any subset of a message's fields, saved by their author (staff or patient) and seen by
 * nobody else. Saving checks shapes only (the request schema); the rules of starting or replying
 * are checked when the draft is sent (send.ts).
 */
import { ulid } from 'ulid';
import type { Caller } from '../../domain/caller.js';
import { notFound } from '../../domain/errors.js';
import { selfParty } from '../conversations/facts.js';
import type { Page, PageRequest } from '../page.js';
import { draftFieldNames, type DraftDeps, type DraftFields, type DraftPatch, type DraftRecord } from './ports.js';

export type DraftView = DraftFields & { id: string; createdAt: string; updatedAt: string };

/** What the author sees: the fields it holds (absent ones left out), never the author key. */
export function draftView(d: DraftRecord): DraftView {
  const view: Record<string, unknown> = { id: d.id };
  for (const f of draftFieldNames) if (d[f] !== undefined) view[f] = d[f];
  return { ...(view as unknown as DraftView), createdAt: d.createdAt, updatedAt: d.updatedAt };
}

type DraftsOnly = Pick<DraftDeps, 'drafts' | 'now'>;

export async function createDraft(deps: DraftsOnly, caller: Caller, input: DraftFields): Promise<DraftView> {
  const at = deps.now().toISOString();
  const fields: DraftFields = {};
  for (const f of draftFieldNames) if (input[f] !== undefined) (fields as Record<string, unknown>)[f] = input[f];
  const draft: DraftRecord = { ...fields, id: ulid(Date.parse(at)), author: selfParty(caller), createdAt: at, updatedAt: at };
  await deps.drafts.create(caller.practiceId, draft);
  return draftView(draft);
}

export async function listDrafts(deps: DraftsOnly, caller: Caller, page: PageRequest): Promise<Page<DraftView>> {
  const result = await deps.drafts.list(caller.practiceId, selfParty(caller), page);
  return { items: result.items.map(draftView), nextCursor: result.nextCursor };
}

/** The caller's own draft; anyone else's (or none) is 404. */
export async function ownDraft(deps: DraftsOnly, caller: Caller, id: string): Promise<DraftRecord> {
  const draft = await deps.drafts.get(caller.practiceId, selfParty(caller), id);
  if (!draft) throw notFound('Draft');
  return draft;
}

export async function getDraft(deps: DraftsOnly, caller: Caller, id: string): Promise<DraftView> {
  return draftView(await ownDraft(deps, caller, id));
}

export async function updateDraft(deps: DraftsOnly, caller: Caller, id: string, patch: DraftPatch): Promise<DraftView> {
  const updated = await deps.drafts.update(caller.practiceId, selfParty(caller), id, patch, deps.now().toISOString());
  if (!updated) throw notFound('Draft');
  return draftView(updated);
}

export async function deleteDraft(deps: DraftsOnly, caller: Caller, id: string): Promise<void> {
  if (!(await deps.drafts.delete(caller.practiceId, selfParty(caller), id))) throw notFound('Draft');
}
