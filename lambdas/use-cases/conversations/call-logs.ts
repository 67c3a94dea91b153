/** Call logs: staff record calls with a patient in that patient's one call-log conversation. */
import { ulid } from 'ulid';
import { requireStaff, type Caller } from '../../domain/caller.js';
import { assertCallHappened } from '../../domain/conversation-policy.js';
import { strictlyLater } from '../clock.js';
import { manyWriters, retryOnConflict } from '../optimistic.js';
import { callerParty, requirePatient, selfParty } from './facts.js';
import { newMessage, statesAfter } from './new-message.js';
import type { ConversationDeps, ConversationRecord } from './ports.js';
import { messageView } from './views.js';

export interface CallLogInput {
  patientId: string;
  occurredAt: string;
  durationSeconds: number;
  direction: 'inbound' | 'outbound';
  summary: string;
}

export async function logCall(deps: ConversationDeps, caller: Caller, input: CallLogInput) {
  requireStaff(caller);
  assertCallHappened(input.occurredAt, deps.now());
  const patient = await requirePatient(deps, caller, input.patientId);
  const author = selfParty(caller);
  return retryOnConflict(async () => {
    const existingId = await deps.conversations.callLogConversation(caller.practiceId, patient.id);
    const existing = existingId ? await deps.conversations.get(caller.practiceId, existingId) : null;
    const at = existing ? strictlyLater(existing.lastMessageAt, deps.now()) : deps.now().toISOString();
    const me = callerParty(caller);
    const conversation: ConversationRecord = existing ?? {
      id: ulid(),
      kind: 'call_log',
      channel: 'call',
      subject: 'Call log',
      participants: [{ type: 'patient', id: patient.id, name: patient.name, role: 'patient' }],
      createdBy: author,
      createdAt: at,
      lastMessageAt: at,
      lastDirection: input.direction,
    };
    const participants = conversation.participants.some((p) => p.type === 'staff' && p.id === me.id)
      ? conversation.participants
      : [...conversation.participants, me];
    const message = newMessage({
      conversationId: conversation.id,
      channel: 'call',
      direction: input.direction,
      author,
      body: input.summary,
      at,
      call: { occurredAt: new Date(input.occurredAt).toISOString(), durationSeconds: input.durationSeconds },
    });
    const existingStates = existing ? await deps.conversations.states(caller.practiceId, conversation.id) : [];
    // The answer is written with the message (kept for an Idempotency-Key in the same transaction).
    const answer = messageView(caller)(message);
    await deps.conversations.send(caller.practiceId, {
      conversation: { ...conversation, participants, lastMessageAt: at, lastDirection: input.direction },
      isNew: !existing,
      message,
      states: statesAfter(conversation, participants, existingStates, author, at),
      correspondenceOf: [patient.id],
      pairs: [],
      ...(existing ? {} : { callLogOf: patient.id }),
      answer,
    });
    return answer;
  }, manyWriters);
}
