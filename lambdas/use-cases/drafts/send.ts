/**
 * Sending a draft: as a new conversation (the start use case) or, with `conversationId`, as a
 * reply (the reply use case), so every rule of those routes applies at send time. The draft is
 * deleted in the send's own transaction (a refused send keeps it): a draft is sent at most once,
 * whatever crashes and however many sends of it race — the second finds it gone and is 404.
 * A retry with the same Idempotency-Key gets the first answer (written in that transaction too).
 */
import type { Caller } from '../../domain/caller.js';
import { notFound, validationFailed, type FieldError } from '../../domain/errors.js';
import { reply, startConversation, type ReplyInput, type StartInput } from '../conversations/index.js';
import { DraftGone, type DraftRef } from '../conversations/ports.js';
import { selfParty } from '../conversations/facts.js';
import { ownDraft } from './drafts.js';
import type { DraftDeps, DraftRecord } from './ports.js';

/** The fields a send needs that the draft lacks, as one 400. */
function missingFields(d: DraftRecord): FieldError[] {
  const required = d.conversationId ? (['body'] as const) : (['channel', 'participants', 'body'] as const);
  return required
    .filter((f) => d[f] === undefined || (Array.isArray(d[f]) && (d[f] as unknown[]).length === 0))
    .map((f) => ({ path: f, message: d.conversationId ? 'A reply needs this field' : 'A new conversation needs this field' }));
}

/** `bodyFormat` is passed on as the draft holds it (the start and reply routes decide what it means). */
const formatOf = (d: DraftRecord) => (d.bodyFormat !== undefined ? { bodyFormat: d.bodyFormat } : {});

export async function sendDraft(deps: DraftDeps, caller: Caller, id: string) {
  const draft = await ownDraft(deps, caller, id);
  const missing = missingFields(draft);
  if (missing.length > 0) throw validationFailed(missing, 'The draft is not complete enough to send.');
  const fromDraft = { author: selfParty(caller), id: draft.id };
  try {
    return await sendAs(deps, caller, draft, fromDraft);
  } catch (error) {
    if (error instanceof DraftGone) throw notFound('Draft');
    throw error;
  }
}

async function sendAs(deps: DraftDeps, caller: Caller, draft: DraftRecord, fromDraft: DraftRef) {
  if (draft.conversationId) {
    const input = { body: draft.body as string, ...(draft.attachmentIds ? { attachmentIds: draft.attachmentIds } : {}), ...formatOf(draft) };
    return reply(deps, caller, draft.conversationId, input satisfies ReplyInput, fromDraft);
  } else {
    const input = {
      channel: draft.channel as StartInput['channel'],
      participants: draft.participants as StartInput['participants'],
      body: draft.body as string,
      ...(draft.subject !== undefined ? { subject: draft.subject } : {}),
      ...(draft.attachmentIds ? { attachmentIds: draft.attachmentIds } : {}),
      ...formatOf(draft),
    };
    return startConversation(deps, caller, input satisfies StartInput, fromDraft);
  }
}
