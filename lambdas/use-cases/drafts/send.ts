/**
 * Sending a draft: as a new conversation (the start use case) or, with `conversationId`, as a
 * reply (the reply use case), so every rule of those routes applies at send time. The draft is
 * deleted once the send has committed; a refused send keeps it.
 *
 * A retry with the same Idempotency-Key gets the first answer (it is written in the send's own
 * transaction). After a successful send the draft is gone, so sending it again is 404, never a
 * second message. The one window left: a crash after the send committed and before the draft
 * was deleted leaves the draft in place (see docs/data-model.md, Drafts).
 */
import type { Caller } from '../../domain/caller.js';
import { validationFailed, type FieldError } from '../../domain/errors.js';
import { reply, startConversation, type ReplyInput, type StartInput } from '../conversations/index.js';
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
  let answer;
  if (draft.conversationId) {
    const input = { body: draft.body as string, ...(draft.attachmentIds ? { attachmentIds: draft.attachmentIds } : {}), ...formatOf(draft) };
    answer = await reply(deps, caller, draft.conversationId, input satisfies ReplyInput);
  } else {
    const input = {
      channel: draft.channel as StartInput['channel'],
      participants: draft.participants as StartInput['participants'],
      body: draft.body as string,
      ...(draft.subject !== undefined ? { subject: draft.subject } : {}),
      ...(draft.attachmentIds ? { attachmentIds: draft.attachmentIds } : {}),
      ...formatOf(draft),
    };
    answer = await startConversation(deps, caller, input satisfies StartInput);
  }
  await deps.drafts.delete(caller.practiceId, selfParty(caller), draft.id);
  return answer;
}
