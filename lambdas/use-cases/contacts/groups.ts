/** Groups of patients and contacts, and a group's chat settings. */
import { ulid } from 'ulid';
import { requirePermission, type Caller } from '../../domain/caller.js';
import { chatSettingNames, type PartialChatSettings } from '../../domain/chat-settings.js';
import { concurrentUpdate, notFound, validationFailed } from '../../domain/errors.js';
import { strictlyLater } from '../clock.js';
import type { Page, PageRequest } from '../page.js';
import type { ContactDeps } from './contact-deps.js';
import type { GroupRecord, MemberRef } from './ports.js';

export type GroupView = GroupRecord;

async function loadGroup(deps: ContactDeps, caller: Caller, id: string): Promise<GroupRecord> {
  const g = await deps.groups.getGroup(caller.practiceId, id);
  if (!g) throw notFound('Group');
  return g;
}

export async function createGroup(deps: ContactDeps, caller: Caller, input: { name: string }): Promise<GroupView> {
  requirePermission(caller, 'manage_contacts');
  const at = deps.now().toISOString();
  const group: GroupRecord = { id: ulid(), name: input.name, chat: null, memberCount: 0, createdAt: at, updatedAt: at };
  // The answer is written with the record (kept for an Idempotency-Key in the same transaction).
  await deps.groups.createGroup(caller.practiceId, group, group);
  return group;
}

export async function getGroup(deps: ContactDeps, caller: Caller, id: string): Promise<GroupView> {
  requirePermission(caller, 'manage_contacts');
  return loadGroup(deps, caller, id);
}

export async function listGroups(deps: ContactDeps, caller: Caller, page: PageRequest): Promise<Page<GroupView>> {
  requirePermission(caller, 'manage_contacts');
  return deps.groups.listGroups(caller.practiceId, page);
}

export async function addMembers(
  deps: ContactDeps,
  caller: Caller,
  groupId: string,
  input: { patientIds?: string[] | undefined; contactIds?: string[] | undefined },
): Promise<{ added: number; group: GroupView }> {
  requirePermission(caller, 'manage_contacts');
  const patientIds = [...new Set(input.patientIds ?? [])];
  const contactIds = [...new Set(input.contactIds ?? [])];
  if (patientIds.length + contactIds.length === 0) {
    throw validationFailed([{ path: 'patientIds', message: 'Name at least one patient or contact' }]);
  }
  await loadGroup(deps, caller, groupId);
  const [patients, contacts] = await Promise.all([
    patientIds.length ? deps.directory.getPatients(caller.practiceId, patientIds) : [],
    contactIds.length ? deps.contacts.getContacts(caller.practiceId, contactIds) : [],
  ]);
  const havePatients = new Set(patients.map((p) => p.id));
  const haveContacts = new Set(contacts.map((c) => c.id));
  const missingPatient = patientIds.find((id) => !havePatients.has(id));
  if (missingPatient) throw notFound(`Patient ${missingPatient}`);
  const missingContact = contactIds.find((id) => !haveContacts.has(id));
  if (missingContact) throw notFound(`Contact ${missingContact}`);
  const members: MemberRef[] = [
    ...patientIds.map((id) => ({ type: 'patient' as const, id })),
    ...contactIds.map((id) => ({ type: 'contact' as const, id })),
  ];
  const added = await deps.groups.addMembers(caller.practiceId, groupId, members);
  return { added, group: await loadGroup(deps, caller, groupId) };
}

export async function listMembers(
  deps: ContactDeps,
  caller: Caller,
  groupId: string,
  page: PageRequest,
): Promise<Page<{ type: 'patient' | 'contact'; id: string; name: string | null }>> {
  requirePermission(caller, 'manage_contacts');
  await loadGroup(deps, caller, groupId);
  const refs = await deps.groups.listMembers(caller.practiceId, groupId, page);
  const patientIds = refs.items.filter((m) => m.type === 'patient').map((m) => m.id);
  const contactIds = refs.items.filter((m) => m.type === 'contact').map((m) => m.id);
  const [patients, contacts] = await Promise.all([
    patientIds.length ? deps.directory.getPatients(caller.practiceId, patientIds) : [],
    contactIds.length ? deps.contacts.getContacts(caller.practiceId, contactIds) : [],
  ]);
  const names = new Map<string, string>([
    ...patients.map((p) => [`patient:${p.id}`, p.name] as [string, string]),
    ...contacts.map((c) => [`contact:${c.id}`, c.name] as [string, string]),
  ]);
  return {
    items: refs.items.map((m) => ({ type: m.type, id: m.id, name: names.get(`${m.type}:${m.id}`) ?? null })),
    nextCursor: refs.nextCursor,
  };
}

/** `null` for a value removes the group's own setting of it (its members fall back to the practice). */
export async function setGroupChat(
  deps: ContactDeps,
  caller: Caller,
  groupId: string,
  input: { directMessaging?: boolean | null | undefined; communityChat?: boolean | null | undefined; emailNotifications?: boolean | null | undefined },
): Promise<GroupView> {
  requirePermission(caller, 'manage_contacts');
  const before = await loadGroup(deps, caller, groupId);
  const chat: PartialChatSettings = { ...(before.chat ?? {}) };
  for (const key of chatSettingNames) {
    const v = input[key];
    if (v === null) delete chat[key];
    else if (v !== undefined) chat[key] = v;
  }
  const next = Object.keys(chat).length ? chat : null;
  const updated = await deps.groups.setGroupChat(caller.practiceId, groupId, next, strictlyLater(before.updatedAt, deps.now()), before.updatedAt);
  if (!updated) throw concurrentUpdate();
  return updated;
}
