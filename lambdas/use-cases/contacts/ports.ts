/** Ports of the contact and group use cases; the DynamoDB adapters implement them. */
import type { PartialChatSettings } from '../../domain/chat-settings.js';
import type { Page, PageRequest } from '../page.js';

export type ContactStatus = 'active' | 'archived' | 'blocked';
export type MemberType = 'patient' | 'contact';

export interface ContactRecord {
  id: string;
  name: string;
  email: string | null;
  primaryPhone: string | null;
  secondaryPhone: string | null;
  category: string | null;
  groupIds: string[];
  status: ContactStatus;
  blockReason: string | null;
  blockedAt: string | null;
  /** Active blocks of the contact's addresses made when it was blocked. */
  blockIds: string[];
  createdAt: string;
  updatedAt: string;
  /** Every block ever made for the contact (kept after unblock, for its history). Not shown. */
  blockHistoryIds: string[];
}

export interface GroupRecord {
  id: string;
  name: string;
  chat: PartialChatSettings | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface MemberRef {
  type: MemberType;
  id: string;
}

export interface ContactListFilter {
  status?: ContactStatus | undefined;
  /** Normalised search query (prefix of a name word, email or phone digits). */
  q?: string | undefined;
  category?: string | undefined;
  groupId?: string | undefined;
  blockedFrom?: string | undefined;
  blockedTo?: string | undefined;
}

export interface ContactRepository {
  /** Contact, search tokens, address-owner entries and group memberships in one transaction. */
  /** `answer`: the request's answer, stored with the write for its Idempotency-Key (see writeAnswered). */
  createContact(practiceId: string, contact: ContactRecord, answer?: unknown): Promise<void>;
  getContact(practiceId: string, id: string): Promise<ContactRecord | null>;
  getContacts(practiceId: string, ids: readonly string[]): Promise<ContactRecord[]>;
  /**
   * Writes the changed details, status and block links when `before.updatedAt` still holds
   * (false otherwise); search and address-owner entries follow. Group memberships are not
   * touched here. `addedBlockIds` join the contact's block history.
   */
  updateContact(practiceId: string, before: ContactRecord, after: ContactRecord, addedBlockIds: readonly string[]): Promise<boolean>;
  listContacts(practiceId: string, filter: ContactListFilter, page: PageRequest): Promise<Page<ContactRecord>>;
}

export interface GroupRepository {
  /** `answer`: the request's answer, stored with the write for its Idempotency-Key (see writeAnswered). */
  createGroup(practiceId: string, group: GroupRecord, answer?: unknown): Promise<void>;
  getGroup(practiceId: string, id: string): Promise<GroupRecord | null>;
  getGroups(practiceId: string, ids: readonly string[]): Promise<GroupRecord[]>;
  listGroups(practiceId: string, page: PageRequest): Promise<Page<GroupRecord>>;
  /** Adds the members not yet in the group; returns how many were new. */
  addMembers(practiceId: string, groupId: string, members: readonly MemberRef[]): Promise<number>;
  listMembers(practiceId: string, groupId: string, page: PageRequest): Promise<Page<MemberRef>>;
  /** Replaces the group's chat settings when `expectedUpdatedAt` still holds; null otherwise. */
  setGroupChat(practiceId: string, groupId: string, chat: PartialChatSettings | null, at: string, expectedUpdatedAt: string): Promise<GroupRecord | null>;
}

/** A message sent to a contact, as its history shows it. */
export interface ContactMessage {
  messageId: string;
  conversationId: string;
  channel: 'portal' | 'email' | 'sms' | 'whatsapp' | 'call';
  direction: 'inbound' | 'outbound' | 'internal';
  body: string;
  at: string;
}

/** Pointers in the contact's partition to the messages sent to it (no Scan: one Query, one BatchGetItem). */
export interface ContactMessageLog {
  /** Records that the message went to the contact; writing it again changes nothing. */
  record(practiceId: string, contactId: string, message: { messageId: string; conversationId: string; at: string }): Promise<void>;
  /** Up to `limit` of the contact's messages, newest first, strictly older than `before` ([at, messageId]) when given. */
  newestBefore(practiceId: string, contactId: string, before: readonly [string, string] | undefined, limit: number): Promise<ContactMessage[]>;
}

/** The chat settings of each patient's groups: one Query per patient, one BatchGetItem for the groups. */
export interface GroupChatReader {
  groupChatOf(practiceId: string, patientIds: readonly string[]): Promise<Map<string, PartialChatSettings[]>>;
}
