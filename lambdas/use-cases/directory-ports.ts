/** Ports of the directory use cases; the DynamoDB adapter implements them. */
import type { Permission, StaffRole } from '../domain/caller.js';
import type { ChatDefaultChange } from '../domain/chat-default.js';
import type { ChatSettings } from '../domain/chat-settings.js';
import type { Page, PageRequest } from './page.js';

export interface PracticeSettingsRecord {
  name: string | null;
  defaultRegion: string;
  timeZone: string;
  /** What a patient created now gets (the latest change). */
  chatDefault: ChatSettings;
  /** Practice chat changes since the last `applyTo: all` one, oldest first (see domain/chat-default.ts). */
  chatChanges: ChatDefaultChange[];
  updatedAt: string | null;
}

/** Inactive staff cannot call at all (403 unknown_caller) and leave the staff list patients see. */
export type StaffStatus = 'active' | 'inactive';

export interface StaffRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: StaffRole;
  permissions: Permission[];
  status: StaffStatus;
  /** Their own "you have a new message" emails for portal messages (PATCH /v1/me); absent: true. */
  emailNotifications?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PatientRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  whatsapp: string | null;
  status: 'active' | 'inactive';
  chat: ChatSettings | null;
  createdAt: string;
  updatedAt: string;
}

export interface DirectoryRepository {
  getSettings(practiceId: string): Promise<PracticeSettingsRecord>;
  updateSettings(practiceId: string, changes: Partial<Omit<PracticeSettingsRecord, 'updatedAt'>>, at: string): Promise<PracticeSettingsRecord>;
  /** Records a practice chat-default change (an `all` change drops the history before it). */
  recordChatDefault(practiceId: string, change: ChatDefaultChange): Promise<PracticeSettingsRecord>;

  /** `answer`: the request's answer, stored with the write for its Idempotency-Key (see writeAnswered). */
  createStaff(practiceId: string, staff: StaffRecord, answer?: unknown): Promise<void>;
  getStaff(practiceId: string, id: string): Promise<StaffRecord | null>;
  /** Replaces the record when its `updatedAt` is still `expectedUpdatedAt`; false otherwise. */
  replaceStaff(practiceId: string, staff: StaffRecord, expectedUpdatedAt: string): Promise<boolean>;
  listStaff(practiceId: string, page: PageRequest): Promise<Page<StaffRecord>>;
  getStaffMany(practiceId: string, ids: readonly string[]): Promise<StaffRecord[]>;
  /** The active staff members with this role (a role participant's people): one Query on the role index, never a Scan. */
  activeStaffByRole(practiceId: string, role: StaffRole): Promise<StaffRecord[]>;

  /** `answer`: the request's answer, stored with the write for its Idempotency-Key (see writeAnswered). */
  createPatient(practiceId: string, patient: PatientRecord, answer?: unknown): Promise<void>;
  getPatient(practiceId: string, id: string): Promise<PatientRecord | null>;
  getPatients(practiceId: string, ids: readonly string[]): Promise<PatientRecord[]>;
  /** Replaces the record (and its search entries) when `before.updatedAt` still holds; false otherwise. */
  replacePatient(practiceId: string, before: PatientRecord, after: PatientRecord): Promise<boolean>;
  listPatients(practiceId: string, page: PageRequest): Promise<Page<PatientRecord>>;
  searchPatients(practiceId: string, query: string, page: PageRequest): Promise<Page<PatientRecord>>;
  /** Who has this address (patients and contacts), from the address-owner index. */
  addressOwners(practiceId: string, type: 'email' | 'phone', value: string): Promise<AddressOwner[]>;
}

/** The directory's reads: what functions that never write staff, patients or settings are handed. */
export type DirectoryReader = Pick<
  DirectoryRepository,
  | 'getSettings'
  | 'getStaff'
  | 'listStaff'
  | 'getStaffMany'
  | 'activeStaffByRole'
  | 'getPatient'
  | 'getPatients'
  | 'listPatients'
  | 'searchPatients'
  | 'addressOwners'
>;

export interface AddressOwner {
  ownerType: 'patient' | 'contact';
  ownerId: string;
  name: string;
}
