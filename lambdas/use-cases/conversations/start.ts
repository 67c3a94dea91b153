/** Starting a conversation: who may start with whom, then the first message in one transaction. */
import { ulid } from 'ulid';
import type { Caller } from '../../domain/caller.js';
import {
  MAX_PARTICIPANTS,
  assertChatAvailable,
  assertMayStart,
  assertReachable,
  assertValidContent,
  conversationExists,
  directionOf,
  replyVerdict,
  requireSendPermission,
  type ComposeChannel,
} from '../../domain/conversation-policy.js';
import { validationFailed } from '../../domain/errors.js';
import { messageBody, type BodyFormat } from '../../domain/rich-text.js';
import { assertAttachments, planDeliveries } from './deliveries.js';
import { callerParty, isParty, partiesOf, selfParty } from './facts.js';
import { newMessage } from './new-message.js';
import { readForSend } from './send-reads.js';
import { expandRoles, startStates, type NamedParticipant, type PersonRef } from './participants.js';
import { PairTaken, type ConversationDeps, type ConversationRecord, type DraftRef } from './ports.js';
import { conversationView, messageView, visibleTo } from './views.js';

export interface StartInput {
  kind?: 'direct' | 'community' | undefined;
  channel: ComposeChannel;
  subject?: string | undefined;
  /** People, or roles: a role stands for its active staff members when the conversation starts. */
  participants: NamedParticipant[];
  body: string;
  /** html: the body is sanitised, and the message keeps the markup and its text. */
  bodyFormat?: BodyFormat | undefined;
  attachmentIds?: string[] | undefined;
}

/** The participants named besides the caller, each once. */
function othersOf(caller: Caller, named: readonly PersonRef[]): PersonRef[] {
  const seen = new Set<string>([`${caller.kind}:${caller.id}`]);
  const others = named.filter((p) => {
    const key = `${p.type}:${p.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (others.length === 0) throw validationFailed([{ path: 'participants', message: 'Name at least one participant besides yourself' }]);
  if (others.length + 1 > MAX_PARTICIPANTS) {
    throw validationFailed([{ path: 'participants', message: `A conversation has at most ${MAX_PARTICIPANTS} participants, you included; use a broadcast for more` }]);
  }
  return others;
}

/** `fromDraft`: the draft this start sends (deleted with the write; see SendPlan). */
export async function startConversation(deps: ConversationDeps, caller: Caller, input: StartInput, fromDraft?: DraftRef) {
  const kind = input.kind ?? 'direct';
  const attachmentIds = input.attachmentIds ?? [];
  requireSendPermission(caller);
  const content = messageBody(input.bodyFormat, input.body);
  assertValidContent({ channel: input.channel, subject: input.subject, body: content.body, attachmentIds });
  const others = othersOf(caller, await expandRoles(deps, caller, input.participants));

  const me = selfParty(caller);
  const refs = caller.kind === 'patient' ? [...others, { type: 'patient' as const, id: caller.id }] : others;
  // Two rounds of reads (send-reads.ts): the named people with the practice settings and their groups, then group chats and the block check.
  const read = await readForSend(deps, caller.practiceId, {
    channel: input.channel,
    author: me,
    patientIds: refs.filter((r) => r.type === 'patient').map((r) => r.id),
    staffIds: refs.filter((r) => r.type === 'staff').map((r) => r.id),
    contactIds: [],
  });
  const parties = partiesOf(refs, read.staff, read.patients);
  const otherParties = parties.filter((p) => !isParty(p, me));
  const facts = read.facts;

  const existingWithPatient = new Map<string, string>();
  if (caller.role === 'provider' && kind === 'direct') {
    for (const p of otherParties.filter((x) => x.type === 'patient')) {
      const existing = await deps.conversations.pairConversation(caller.practiceId, caller.id, p.id);
      if (existing) existingWithPatient.set(p.id, existing);
    }
  }
  assertMayStart({ initiator: caller, kind, channel: input.channel, others: otherParties, existingWithPatient });
  const recipients = facts.filter((f) => !(caller.kind === 'patient' && f.id === caller.id));
  assertReachable(input.channel, recipients);
  assertChatAvailable(caller, kind, facts);
  const files = await assertAttachments(deps, caller, input.channel, attachmentIds);

  const participants = [callerParty(caller), ...otherParties];
  const at = deps.now().toISOString();
  const direction = directionOf(caller, participants);
  const conversation: ConversationRecord = {
    id: ulid(),
    kind,
    channel: input.channel,
    subject: input.subject?.trim() || null,
    participants,
    createdBy: me,
    createdAt: at,
    lastMessageAt: at,
    lastDirection: direction,
    // The addresses this send checked for blocks: a reply checks them with its first reads.
    ...(read.lookups ? { lookups: read.lookups } : {}),
  };
  const staffIds = otherParties.filter((p) => p.type === 'staff').map((p) => p.id);
  const { deliveries, warnings } = await planDeliveries(deps, caller.practiceId, input.channel, me, recipients, staffIds, [], read.known);
  const message = newMessage({ conversationId: conversation.id, channel: input.channel, direction, author: me, ...content, at, attachments: files, deliveries });
  const states = startStates(conversation, participants, me, at);
  const patientIds = participants.filter((p) => p.type === 'patient').map((p) => p.id);
  // A provider's direct conversation with one patient is the pair's: a second provider-started one is refused.
  const pairs =
    kind === 'direct' && patientIds.length === 1
      ? participants
          .filter((p) => p.type === 'staff' && p.role === 'provider')
          .map((p) => ({ providerId: p.id, patientId: patientIds[0] as string, exclusive: p.id === caller.id }))
      : [];

  const mine = states.find((s) => isParty(s.party, me)) ?? null;
  const verdict = replyVerdict({ caller, kind, channel: input.channel, participants, patients: facts });
  // The answer is written with the conversation (kept for an Idempotency-Key in the same transaction).
  const answer = {
    conversation: conversationView(conversation, mine, verdict),
    message: messageView(caller)(message),
    ...visibleTo(caller).warnings(warnings),
  };
  await deps.attachments.markAttached(caller.practiceId, attachmentIds, conversation.id, message.id);
  try {
    await deps.conversations.send(caller.practiceId, {
      conversation,
      isNew: true,
      message,
      states,
      correspondenceOf: patientIds,
      pairs,
      answer,
      ...(fromDraft ? { fromDraft } : {}),
    });
  } catch (error) {
    if (error instanceof PairTaken) {
      const existing = await deps.conversations.pairConversation(caller.practiceId, error.providerId, error.patientId);
      throw conversationExists('A conversation between you and this patient already exists; continue it instead.', existing);
    }
    throw error;
  }
  return answer;
}
