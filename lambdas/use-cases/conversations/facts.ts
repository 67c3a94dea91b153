/**
 * The facts the conversation rules need, gathered from the directory: parties, the patients'
 * current facts (status, effective chat, addresses), the conversation itself.
 */
import type { Caller } from '../../domain/caller.js';
import { effectiveChat, type EffectiveChat } from '../../domain/chat-settings.js';
import type { Party, PatientFacts } from '../../domain/conversation-policy.js';
import { forbidden, notFound } from '../../domain/errors.js';
import { practiceDefaultOf } from '../chat-settings.js';
import type { PatientRecord, PracticeSettingsRecord, StaffRecord } from '../directory-ports.js';
import type { ConversationDeps, ConversationRecord, PartyRef } from './ports.js';

export const selfParty = (caller: Caller): PartyRef => ({ type: caller.kind, id: caller.id });

export function callerParty(caller: Caller): Party {
  return { type: caller.kind, id: caller.id, name: caller.name ?? 'Administrator', role: caller.role };
}

export const isParty = (ref: PartyRef, of: PartyRef): boolean => ref.type === of.type && ref.id === of.id;

export async function patientFacts(deps: ConversationDeps, practiceId: string, patients: readonly PatientRecord[]): Promise<PatientFacts[]> {
  if (patients.length === 0) return [];
  const settings = await deps.directory.getSettings(practiceId);
  return factsOf(patients, settings, await deps.chat?.effectiveFor(practiceId, patients, settings));
}

/** The patients' facts, given their effective chat (without a chat reader: own, else the practice default). */
export function factsOf(
  patients: readonly PatientRecord[],
  settings: PracticeSettingsRecord,
  chats: ReadonlyMap<string, EffectiveChat> | undefined,
): PatientFacts[] {
  return patients.map((p) => toFacts(p, chats?.get(p.id) ?? effectiveChat(p.chat, [], practiceDefaultOf(settings, p.createdAt))));
}

export function toFacts(p: PatientRecord, chat: EffectiveChat): PatientFacts {
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    directMessaging: chat.directMessaging.value,
    communityChat: chat.communityChat.value,
    emailNotifications: chat.emailNotifications.value,
    email: p.email,
    phone: p.phone,
    whatsapp: p.whatsapp,
  };
}

/** The parties named by `refs`, from the records read; 404 for anyone not found (not in this practice). */
export function partiesOf(refs: readonly { type: 'patient' | 'staff'; id: string }[], staff: readonly StaffRecord[], patients: readonly PatientRecord[]): Party[] {
  const staffById = new Map(staff.map((s) => [s.id, s]));
  const patientById = new Map(patients.map((p) => [p.id, p]));
  const parties: Party[] = [];
  for (const r of refs) {
    if (r.type === 'staff') {
      const s = staffById.get(r.id);
      if (!s) throw notFound(`Staff member ${r.id}`);
      parties.push({ type: 'staff', id: s.id, name: s.name, role: s.role });
    } else {
      const p = patientById.get(r.id);
      if (!p) throw notFound(`Patient ${r.id}`);
      parties.push({ type: 'patient', id: p.id, name: p.name, role: 'patient' });
    }
  }
  return parties;
}

export async function loadConversation(deps: ConversationDeps, caller: Caller, id: string): Promise<ConversationRecord> {
  const c = await deps.conversations.get(caller.practiceId, id);
  if (!c) throw notFound('Conversation');
  return c;
}

/** Current facts of the conversation's patients: the patients, the settings and their group ids read together (one BatchGetItem), then their groups' chat if needed. */
export async function conversationFacts(deps: ConversationDeps, caller: Caller, c: ConversationRecord): Promise<PatientFacts[]> {
  const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
  if (patientIds.length === 0) return [];
  const [patients, settings, groupIds] = await Promise.all([
    deps.directory.getPatients(caller.practiceId, patientIds),
    deps.directory.getSettings(caller.practiceId),
    deps.chat?.groupIdsOf(caller.practiceId, patientIds),
  ]);
  return factsOf(patients, settings, patients.length ? await deps.chat?.effectiveFor(caller.practiceId, patients, settings, groupIds) : undefined);
}

export async function requirePatient(deps: ConversationDeps, caller: Caller, patientId: string): Promise<PatientRecord> {
  const p = await deps.directory.getPatient(caller.practiceId, patientId);
  if (!p) throw notFound('Patient');
  return p;
}

/** Only admins may look behind hideExisting. */
export function assertMayIncludeHidden(caller: Caller, includeHidden: boolean | undefined): void {
  if (includeHidden && caller.role !== 'admin') throw forbidden('Only admins can list hidden messages (includeHidden).');
}
