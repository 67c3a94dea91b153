/**
 * Directory use cases: practice settings, staff and patients.
 * Each reads like its spec: who may call it, what it checks, what it writes.
 */
import { ulid } from 'ulid';
import { requireRole, requireStaff, type Caller, type Permission, type StaffRole } from '../domain/caller.js';
import { effectiveChat, type ChatSettings, type EffectiveChat } from '../domain/chat-settings.js';
import { isRegionCode, normalizeEmail, normalizePhone, normalizeSearchQuery } from '../domain/contact-address.js';
import { concurrentUpdate, notFound, validationFailed, type FieldError } from '../domain/errors.js';
import type { DirectoryRepository, PatientRecord, PracticeSettingsRecord, StaffRecord, StaffStatus } from './directory-ports.js';
import { strictlyLater, type Clock } from './clock.js';
import type { Page, PageRequest } from './page.js';
import { practiceDefaultOf, type ChatSettingsReader } from './chat-settings.js';
import { auditEvent, changedFields, type AuditTrail } from './audit.js';

export interface BlockedContactView {
  blockId: string;
  type: 'email' | 'phone';
  value: string;
}
export interface PatientView extends PatientRecord {
  effectiveChat: EffectiveChat;
  /** The reminder for staff: absent when a patient reads their own record. */
  blockedContacts?: BlockedContactView[];
}

/** Reads the blocked-contacts reminder shown on a patient record (blocks live in their own module). */
export interface BlockReminderReader {
  blockedContactsOf(practiceId: string, patient: PatientRecord): Promise<BlockedContactView[]>;
}

export interface DirectoryDeps {
  directory: DirectoryRepository;
  reminders: BlockReminderReader;
  /** Effective chat with the patient's groups; without it, groups are not consulted. */
  chat?: ChatSettingsReader;
  /** Who changed a member of staff. */
  audit: AuditTrail;
  now: Clock;
}

/**
 * Checks and normalises address fields of a raw body: emails trimmed and lower-cased, phones to
 * E.164 with the practice's region. Runs beside zod so that one 400 lists every bad field.
 */
export function contactFieldErrors(
  raw: Record<string, unknown>,
  fields: { email?: readonly string[]; phone?: readonly string[] },
  region: string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of fields.email ?? []) {
    const v = raw[f];
    if (typeof v === 'string' && normalizeEmail(v) === null) errors.push({ path: f, message: 'Not a valid email address' });
  }
  for (const f of fields.phone ?? []) {
    const v = raw[f];
    if (typeof v === 'string') {
      const r = normalizePhone(v, region);
      if (!r.ok) errors.push({ path: f, message: r.message });
    }
  }
  return errors;
}

const emailOrNull = (v: string | null | undefined) => (v == null ? null : normalizeEmail(v));
const phoneOrNull = (v: string | null | undefined, region: string) => {
  if (v == null) return null;
  const r = normalizePhone(v, region);
  if (!r.ok) throw validationFailed([{ path: 'phone', message: r.message }]);
  return r.e164;
};

// ---------------------------------------------------------------- settings

/** The chat-change history is served by GET /v1/settings/chat, not here. */
const settingsView = ({ chatChanges: _history, ...rest }: PracticeSettingsRecord) => rest;

export async function getPracticeSettings(deps: DirectoryDeps, caller: Caller): Promise<Omit<PracticeSettingsRecord, 'chatChanges'>> {
  requireStaff(caller);
  return settingsView(await deps.directory.getSettings(caller.practiceId));
}

export async function updatePracticeSettings(
  deps: DirectoryDeps,
  caller: Caller,
  input: { name?: string | undefined; defaultRegion?: string | undefined; timeZone?: string | undefined },
): Promise<Omit<PracticeSettingsRecord, 'chatChanges'>> {
  requireRole(caller, ['admin']);
  const errors: FieldError[] = [];
  if (input.defaultRegion !== undefined && !isRegionCode(input.defaultRegion)) {
    errors.push({ path: 'defaultRegion', message: 'Not a known ISO 3166 alpha-2 region' });
  }
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
    errors.push({ path: 'timeZone', message: 'Not a known IANA time zone' });
  }
  if (errors.length > 0) throw validationFailed(errors);
  return settingsView(await deps.directory.updateSettings(caller.practiceId, input, deps.now().toISOString()));
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- staff

/** A staff member as a caller sees them: `permissions` is absent for patients. */
export type StaffView = Omit<StaffRecord, 'permissions'> & { permissions?: Permission[] };

/** Patients see who works at the practice now (active staff), not staff contact details or permissions. */
const seenByCaller = (caller: Caller, s: StaffRecord): boolean => caller.kind === 'staff' || s.status === 'active';

/** Patients see who works at the practice, not staff contact details or permissions. */
function staffAsSeenBy(caller: Caller, s: StaffRecord): StaffView {
  if (caller.kind === 'staff') return s;
  const { permissions: _staffOnly, emailNotifications: _ownSetting, ...seen } = s;
  return { ...seen, email: null, phone: null };
}

export async function createStaff(
  deps: DirectoryDeps,
  caller: Caller,
  input: { name: string; email?: string | undefined; phone?: string | undefined; role: StaffRole; permissions: Permission[] },
  region: string,
): Promise<StaffRecord> {
  requireRole(caller, ['admin']);
  const at = deps.now().toISOString();
  const staff: StaffRecord = {
    id: ulid(),
    name: input.name,
    email: emailOrNull(input.email),
    phone: phoneOrNull(input.phone, region),
    role: input.role,
    permissions: [...new Set(input.permissions)],
    status: 'active',
    createdAt: at,
    updatedAt: at,
  };
  // The answer is written with the record (kept for an Idempotency-Key in the same transaction).
  await deps.directory.createStaff(caller.practiceId, staff, staff);
  return staff;
}

export async function updateStaff(
  deps: DirectoryDeps,
  caller: Caller,
  id: string,
  input: {
    name?: string | undefined;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    permissions?: Permission[] | undefined;
    status?: StaffStatus | undefined;
  },
  region: string,
): Promise<StaffRecord> {
  requireRole(caller, ['admin']);
  const before = await deps.directory.getStaff(caller.practiceId, id);
  if (!before) throw notFound('Staff member');
  const after: StaffRecord = {
    ...before,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.email !== undefined ? { email: emailOrNull(input.email) } : {}),
    ...(input.phone !== undefined ? { phone: phoneOrNull(input.phone, region) } : {}),
    ...(input.permissions !== undefined ? { permissions: [...new Set(input.permissions)] } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    updatedAt: strictlyLater(before.updatedAt, deps.now()),
  };
  if (!(await deps.directory.replaceStaff(caller.practiceId, after, before.updatedAt))) throw concurrentUpdate();
  // A single conditional Put, not a transaction: the event (field names, never values) follows it.
  const changed = changedFields(before, after, ['name', 'email', 'phone', 'permissions', 'status']);
  if (changed.length > 0) await deps.audit.record(auditEvent(caller, 'staff_changed', { type: 'staff', id }, deps.now(), changed));
  return after;
}

/** A staff member's own settings (PATCH /v1/me): whether portal messages email them a notification. */
export async function updateMe(deps: DirectoryDeps, caller: Caller, input: { emailNotifications: boolean }): Promise<StaffView> {
  requireStaff(caller);
  const before = await deps.directory.getStaff(caller.practiceId, caller.id);
  if (!before) throw notFound('Your staff record');
  const after: StaffRecord = { ...before, emailNotifications: input.emailNotifications, updatedAt: strictlyLater(before.updatedAt, deps.now()) };
  if (!(await deps.directory.replaceStaff(caller.practiceId, after, before.updatedAt))) throw concurrentUpdate();
  return staffAsSeenBy(caller, after);
}

export async function getStaff(deps: DirectoryDeps, caller: Caller, id: string): Promise<StaffView> {
  const staff = await deps.directory.getStaff(caller.practiceId, id);
  if (!staff || !seenByCaller(caller, staff)) throw notFound('Staff member');
  return staffAsSeenBy(caller, staff);
}

export async function listStaff(deps: DirectoryDeps, caller: Caller, page: PageRequest): Promise<Page<StaffView>> {
  const result = await deps.directory.listStaff(caller.practiceId, page);
  // A page filtered for a patient may hold fewer than `limit` items: follow nextCursor.
  return { ...result, items: result.items.filter((s) => seenByCaller(caller, s)).map((s) => staffAsSeenBy(caller, s)) };
}

// ---------------------------------------------------------------- patients

export interface PatientInput {
  name?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  whatsapp?: string | null | undefined;
  status?: 'active' | 'inactive' | undefined;
  chat?: ChatSettings | null | undefined;
}

/** A patient record with its effective chat and, for staff only, the blocked-contacts reminder. */
async function view(deps: DirectoryDeps, caller: Caller, p: PatientRecord, settings?: PracticeSettingsRecord): Promise<PatientView> {
  const practiceId = caller.practiceId;
  const s = settings ?? (await deps.directory.getSettings(practiceId));
  return {
    ...p,
    effectiveChat:
      (await deps.chat?.effectiveFor(practiceId, [p], s))?.get(p.id) ?? effectiveChat(p.chat, [], practiceDefaultOf(s, p.createdAt)),
    ...(caller.kind === 'staff' ? { blockedContacts: await deps.reminders.blockedContactsOf(practiceId, p) } : {}),
  };
}

export async function createPatient(
  deps: DirectoryDeps,
  caller: Caller,
  input: PatientInput & { name: string; status: 'active' | 'inactive' },
  settings: PracticeSettingsRecord,
): Promise<PatientView> {
  requireRole(caller, ['admin', 'receptionist']);
  const at = deps.now().toISOString();
  const patient: PatientRecord = {
    id: ulid(),
    name: input.name,
    email: emailOrNull(input.email),
    phone: phoneOrNull(input.phone, settings.defaultRegion),
    whatsapp: phoneOrNull(input.whatsapp, settings.defaultRegion),
    status: input.status,
    chat: input.chat ?? null,
    createdAt: at,
    updatedAt: at,
  };
  // A new patient is in no group yet: own setting, else the practice default for patients created now.
  const answer: PatientView = { ...patient, effectiveChat: effectiveChat(patient.chat, [], practiceDefaultOf(settings, patient.createdAt)), blockedContacts: [] };
  // The answer is written with the record (kept for an Idempotency-Key in the same transaction).
  await deps.directory.createPatient(caller.practiceId, patient, answer);
  return answer;
}

export async function updatePatient(
  deps: DirectoryDeps,
  caller: Caller,
  id: string,
  input: PatientInput,
  settings: PracticeSettingsRecord,
): Promise<PatientView> {
  requireRole(caller, ['admin', 'receptionist']);
  const before = await deps.directory.getPatient(caller.practiceId, id);
  if (!before) throw notFound('Patient');
  const region = settings.defaultRegion;
  const after: PatientRecord = {
    ...before,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.email !== undefined ? { email: emailOrNull(input.email) } : {}),
    ...(input.phone !== undefined ? { phone: phoneOrNull(input.phone, region) } : {}),
    ...(input.whatsapp !== undefined ? { whatsapp: phoneOrNull(input.whatsapp, region) } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.chat !== undefined ? { chat: input.chat } : {}),
    updatedAt: strictlyLater(before.updatedAt, deps.now()),
  };
  if (!(await deps.directory.replacePatient(caller.practiceId, before, after))) throw concurrentUpdate();
  return view(deps, caller, after, settings);
}

export async function getPatient(deps: DirectoryDeps, caller: Caller, id: string): Promise<PatientView> {
  // A patient may read their own record; staff read any patient of the practice.
  if (caller.kind === 'patient' && caller.id !== id) throw notFound('Patient');
  const patient = await deps.directory.getPatient(caller.practiceId, id);
  if (!patient) throw notFound('Patient');
  return view(deps, caller, patient);
}

export async function listPatients(
  deps: DirectoryDeps,
  caller: Caller,
  input: PageRequest & { q?: string | undefined },
): Promise<Page<PatientView>> {
  requireStaff(caller);
  const settings = await deps.directory.getSettings(caller.practiceId);
  const page = { limit: input.limit, cursor: input.cursor };
  const query = input.q === undefined ? '' : normalizeSearchQuery(input.q);
  const result =
    query === ''
      ? await deps.directory.listPatients(caller.practiceId, page)
      : await deps.directory.searchPatients(caller.practiceId, query, page);
  return {
    nextCursor: result.nextCursor,
    items: await Promise.all(result.items.map((p) => view(deps, caller, p, settings))),
  };
}
