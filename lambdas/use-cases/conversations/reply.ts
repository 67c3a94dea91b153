/** Replying: the reply rules decide, then message, activity, states and deliveries in one transaction. */
import type { Caller } from '../../domain/caller.js';
import { assertValidContent, directionOf, replyVerdict } from '../../domain/conversation-policy.js';
import { strictlyLater } from '../clock.js';
import { manyWriters, retryOnConflict } from '../optimistic.js';
import { assertAttachments, planDeliveries } from './deliveries.js';
import { callerParty, conversationFacts, isParty, loadConversation, selfParty } from './facts.js';
import { newMessage, statesAfter } from './new-message.js';
import type { ConversationDeps } from './ports.js';
import { messageView } from './views.js';

export interface ReplyInput {
  body: string;
  attachmentIds?: string[] | undefined;
}

/** Many writers on one conversation serialise through retries: each re-reads and decides again. */
export async function reply(deps: ConversationDeps, caller: Caller, id: string, input: ReplyInput) {
  const attachmentIds = input.attachmentIds ?? [];
  return retryOnConflict(async () => {
    const c = await loadConversation(deps, caller, id);
    const facts = await conversationFacts(deps, caller, c);
    const verdict = replyVerdict({ caller, kind: c.kind, channel: c.channel, participants: c.participants, patients: facts });
    if (!verdict.canReply) throw verdict.error;
    assertValidContent({ channel: c.channel, subject: c.subject ?? '(reply)', body: input.body, attachmentIds });
    await assertAttachments(deps, caller, c.channel, attachmentIds);

    const at = strictlyLater(c.lastMessageAt, deps.now());
    const author = selfParty(caller);
    // An admin who was not a participant joins by replying.
    const participants = c.participants.some((p) => isParty(p, author)) ? c.participants : [...c.participants, callerParty(caller)];
    const direction = directionOf(caller, participants);
    // The author is never a recipient: planDeliveries skips them.
    const { deliveries, warnings } = await planDeliveries(deps, caller.practiceId, c.channel, author, facts);
    const message = newMessage({ conversationId: c.id, channel: c.channel, direction, author, body: input.body, at, attachmentIds, deliveries });
    const existing = await deps.conversations.states(caller.practiceId, c.id);
    await deps.conversations.send(caller.practiceId, {
      conversation: { ...c, participants, lastMessageAt: at, lastDirection: direction },
      isNew: false,
      message,
      states: statesAfter(c, participants, existing, author, at),
      correspondenceOf: participants.filter((p) => p.type === 'patient').map((p) => p.id),
      pairs: [],
    });
    return { ...messageView(message), ...(warnings.length > 0 ? { warnings } : {}) };
  }, manyWriters);
}
