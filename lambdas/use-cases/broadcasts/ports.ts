/** Ports and records of the broadcast use cases; the DynamoDB adapters implement them. */
import type { PartialChatSettings } from '../../domain/chat-settings.js';
import type { ComposeChannel, Party } from '../../domain/conversation-policy.js';
import type { ContactRecord, MemberRef } from '../contacts/ports.js';
import type { PatientRecord, PracticeSettingsRecord } from '../directory-ports.js';

/** Most recipients one broadcast may have (more → 422 audience_too_large). */
export const MAX_AUDIENCE = 100_000;
/** Recipients per chunk: one chunk is one fan-out step (a BatchGetItem of 100 people). */
export const CHUNK = 100;

export interface Audience {
  patientIds: string[];
  contactIds: string[];
  groupIds: string[];
}

export type BroadcastStatus = 'preparing' | 'sending' | 'done';

export interface Excluded {
  blocked: number;
  chatDisabled: number;
  noAddress: number;
  optedOut: number;
  archived: number;
}
export const noneExcluded = (): Excluded => ({ blocked: 0, chatDisabled: 0, noAddress: 0, optedOut: 0, archived: 0 });

export interface BroadcastCounts {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  blocked: number;
  suppressed: number;
}

export interface BroadcastRecord {
  id: string;
  channel: ComposeChannel;
  subject: string | null;
  body: string;
  sender: { id: string; name: string | null; role: Party['role'] };
  status: BroadcastStatus;
  /** Null until every chunk has been resolved (while `preparing`). */
  recipients: number | null;
  excluded: Excluded | null;
  counts: BroadcastCounts;
  createdAt: string;
}

/** Why someone in the audience is left out. */
export type LeftOutReason = 'chat_disabled' | 'blocked' | 'no_address' | 'opted_out' | 'archived';

export interface LeftOut {
  type: 'patient' | 'contact';
  id: string;
  name: string;
  reason: LeftOutReason;
}

/** Someone the broadcast reaches. */
export interface BroadcastRecipient {
  type: 'patient' | 'contact';
  id: string;
  name: string;
  /** null on portal (the portal needs none); the notification email goes to `notify`. */
  address: string | null;
  notify: string | null;
}

/** What one chunk's fan-out adds to the broadcast, exactly once. */
export interface ChunkTally {
  recipients: number;
  excluded: Excluded;
  /** Deliveries the dispatcher will settle (counted down from `queued`). */
  queued: number;
  /** Portal messages: delivered when written. */
  delivered: number;
}

/** A patient as the audience resolution reads it: the item plus the ids of its groups. */
export interface AudiencePatient extends PatientRecord {
  groupIds: string[];
}

export interface BroadcastRepository {
  /** The broadcast (status `preparing`) and its audience, with the request's answer, in one transaction. */
  create(practiceId: string, broadcast: BroadcastRecord, audience: Audience, answer: unknown): Promise<void>;
  get(practiceId: string, id: string): Promise<BroadcastRecord | null>;
  audience(practiceId: string, id: string): Promise<Audience>;
  /** Writes the chunks of member references (same index, same key: writing again changes nothing). */
  writeChunks(practiceId: string, id: string, chunks: readonly MemberRef[][]): Promise<void>;
  /** Every chunk is written: records their number (none: the broadcast is done at once). */
  prepared(practiceId: string, id: string, chunks: number): Promise<void>;
  /** Of these recipients, those whose message the fan-out already wrote (a chunk run again). */
  alreadyWritten(practiceId: string, broadcast: BroadcastRecord, recipients: readonly BroadcastRecipient[]): Promise<Set<string>>;
  /** The recipients' conversations, messages, states and pointers, then their deliveries. */
  writeRecipients(practiceId: string, broadcast: BroadcastRecord, recipients: readonly BroadcastRecipient[], notifyBlocked: ReadonlySet<string>): Promise<void>;
  /** Adds the chunk's tally to the broadcast once (false: the chunk was counted before). */
  completeChunk(practiceId: string, id: string, index: number, tally: ChunkTally): Promise<boolean>;
  /** Adds settled outcomes (the dispatcher, receipts); moves the status on when the last one settles. */
  progress(practiceId: string, id: string, change: Partial<BroadcastCounts>): Promise<void>;
}

/** What the audience resolution reads: groups, their members, people, blocks and opt-outs. */
export interface AudienceDirectory {
  groups(practiceId: string, ids: readonly string[]): Promise<{ id: string; memberCount: number; chat: PartialChatSettings | null }[]>;
  /** Every member of a group, page by page as the paged Queries of the group partition read them. */
  memberPages(practiceId: string, groupId: string): AsyncIterable<MemberRef[]>;
  /** Of these references, the `type#id` of those that exist (no attribute beyond the key is read). */
  existing(practiceId: string, refs: readonly MemberRef[]): Promise<Set<string>>;
  /** The patients (only what the resolution reads); with `groups: false` their group ids are not read (left empty). */
  patients(practiceId: string, ids: readonly string[], options?: { groups?: boolean }): Promise<AudiencePatient[]>;
  /**
   * Every group of the practice that has chat settings of its own, listed (an index: eventually
   * consistent, for a preview only); null when the practice has more than `limit` groups.
   */
  groupChats?(practiceId: string, limit: number): Promise<Map<string, PartialChatSettings> | null>;
  /**
   * Every actively blocked address of the practice as `type#value` (`phone#+12025550100`),
   * listed (an index: eventually consistent, for a preview only); null when the practice has
   * more than `limit` active blocks (then `barriers` reads them by key).
   */
  blockedAddresses?(practiceId: string, limit: number): Promise<Set<string> | null>;
  /**
   * Every opted-out (STOP) phone number of the practice as `phone#value`, listed from its
   * suppressions (an index: eventually consistent, for a preview only); null when the practice
   * has more than `limit` suppressions (then `barriers` reads them by key).
   */
  optedOutAddresses?(practiceId: string, limit: number): Promise<Set<string> | null>;
  contacts(practiceId: string, ids: readonly string[]): Promise<ContactRecord[]>;
  settings(practiceId: string): Promise<PracticeSettingsRecord>;
  /**
   * Of these addresses, the actively blocked ones and the opted-out ones, read by key (one
   * BatchGetItem per 50 addresses, per 100 when only one of the two is read); `blocks: false`
   * or `optOuts: false` leaves that one unread (its set empty).
   */
  barriers(
    practiceId: string,
    addresses: readonly { type: 'email' | 'phone'; value: string }[],
    read?: { blocks?: boolean; optOuts?: boolean },
  ): Promise<{ blocked: Set<string>; optedOut: Set<string> }>;
}

export interface BroadcastDeps {
  broadcasts: BroadcastRepository;
  audienceDirectory: AudienceDirectory;
  now: () => Date;
}
