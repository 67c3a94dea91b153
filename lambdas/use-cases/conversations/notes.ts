/** Quick notes: staff save one from a conversation with exactly one patient; listed per patient. */
import { ulid } from 'ulid';
import { requireStaff, type Caller } from '../../domain/caller.js';
import { assertMayRead, assertNoteAllowed } from '../../domain/conversation-policy.js';
import type { Page, PageRequest } from '../page.js';
import { loadConversation, requirePatient, selfParty } from './facts.js';
import type { ConversationDeps, NoteRecord } from './ports.js';

export async function addNote(deps: ConversationDeps, caller: Caller, conversationId: string, input: { text: string }): Promise<NoteRecord> {
  requireStaff(caller);
  const c = await loadConversation(deps, caller, conversationId);
  assertMayRead(caller, c.participants);
  const patientId = assertNoteAllowed(c.participants);
  const note: NoteRecord = {
    id: ulid(),
    patientId,
    conversationId,
    text: input.text,
    author: selfParty(caller),
    createdAt: deps.now().toISOString(),
  };
  // The answer is written with the record (kept for an Idempotency-Key in the same transaction).
  await deps.notes.addNote(caller.practiceId, note, note);
  return note;
}

export async function listNotes(deps: ConversationDeps, caller: Caller, patientId: string, page: PageRequest): Promise<Page<NoteRecord>> {
  requireStaff(caller);
  await requirePatient(deps, caller, patientId);
  return deps.notes.notes(caller.practiceId, patientId, page);
}
