/** Replying: the reply rules decide, then message, activity, states and deliveries in one transaction. */
import type { Caller } from '../../domain/caller.js';
import { assertValidContent, directionOf, replyVerdict } from '../../domain/conversation-policy.js';
import { messageBody, type BodyFormat } from '../../domain/rich-text.js';
import { strictlyLater } from '../clock.js';
import { busyConversation, retryOnConflict } from '../optimistic.js';
import { assertAttachments, planDeliveries } from './deliveries.js';
import { callerParty, isParty, loadConversation, selfParty } from './facts.js';
import { newMessage } from './new-message.js';
import { replyStateParties, replyStates } from './participants.js';
import { readForSend } from './send-reads.js';
import type { ConversationDeps, ConversationRecord, DraftRef } from './ports.js';
import { messageView, visibleTo } from './views.js';

export interface ReplyInput {
  body: string;
  /** html: the body is sanitised, and the message keeps the markup and its text. */
  bodyFormat?: BodyFormat | undefined;
  attachmentIds?: string[] | undefined;
}

/** The conversation as read, without the addresses its last send kept (this send keeps its own). */
const withoutLookups = ({ lookups: _, ...c }: ConversationRecord): ConversationRecord => c;

/**
 * Many writers on one conversation: a reply conditions only on what must not have changed (the
 * conversation exists, is not being deleted, has the participants read; each state's archive
 * and star) and on activity moving forward; a reply overtaken by a newer one is still written,
 * as an older message (send-transaction.ts), so concurrent replies do not undo each other.
 * Collisions inside DynamoDB are sent again; anything else re-reads and decides again with
 * jitter; past the bound (~4 s of waiting), 429 conversation_busy.
 */
/** `fromDraft`: the draft this reply sends (deleted with the write; see SendPlan). */
export async function reply(deps: ConversationDeps, caller: Caller, id: string, input: ReplyInput, fromDraft?: DraftRef) {
  const attachmentIds = input.attachmentIds ?? [];
  return retryOnConflict(async () => {
    const c = await loadConversation(deps, caller, id);
    const author = selfParty(caller);
    // An admin who was not a participant joins by replying.
    const participants = c.participants.some((p) => isParty(p, author)) ? c.participants : [...c.participants, callerParty(caller)];
    const ids = (type: 'patient' | 'staff' | 'contact') => participants.filter((p) => p.type === type).map((p) => p.id);
    // Two rounds of reads (send-reads.ts), the participant states in the first.
    const read = await readForSend(deps, caller.practiceId, {
      channel: c.channel,
      author,
      patientIds: ids('patient'),
      // Staff records only for portal messages (their notification emails).
      staffIds: c.channel === 'portal' ? ids('staff') : [],
      contactIds: ids('contact'),
      alongside: () => deps.conversations.statesOf(caller.practiceId, c.id, replyStateParties(participants, author)),
      // The addresses the last send used: their block check joins the first round.
      expectedLookups: c.lookups,
    });
    const facts = read.facts;
    const verdict = replyVerdict({ caller, kind: c.kind, channel: c.channel, participants: c.participants, patients: facts });
    if (!verdict.canReply) throw verdict.error;
    const content = messageBody(input.bodyFormat, input.body);
    assertValidContent({ channel: c.channel, subject: c.subject ?? '(reply)', body: content.body, attachmentIds });
    const files = await assertAttachments(deps, caller, c.channel, attachmentIds);

    const at = strictlyLater(c.lastMessageAt, deps.now());
    const direction = directionOf(caller, participants);
    // The author is never a recipient: planDeliveries skips them.
    const { deliveries, warnings } = await planDeliveries(deps, caller.practiceId, c.channel, author, facts, ids('staff'), read.contacts, read.known);
    const message = newMessage({ conversationId: c.id, channel: c.channel, direction, author, ...content, at, attachments: files, deliveries });
    const answer = { ...messageView(caller)(message), ...visibleTo(caller).warnings(warnings) };
    await deps.attachments.markAttached(caller.practiceId, attachmentIds, c.id, message.id);
    await deps.conversations.send(caller.practiceId, {
      conversation: { ...withoutLookups(c), participants, lastMessageAt: at, lastDirection: direction, ...(read.lookups ? { lookups: read.lookups } : {}) },
      isNew: false,
      message,
      // Every state in a small conversation; the author's in a large one (the stream writes the others).
      states: replyStates(c, participants, author, at, read.alongside ?? []),
      correspondenceOf: participants.filter((p) => p.type === 'patient').map((p) => p.id),
      pairs: [],
      answer,
      readParticipants: c.participants.length,
      ...(fromDraft ? { fromDraft } : {}),
    });
    return answer;
  }, busyConversation);
}
