/**
 * Ports of the conversation use cases, grouped as the DynamoDB adapters implement them:
 * conversations with their participant states (and the one-transaction send), messages,
 * correspondence (a patient's messages across conversations) and notes.
 */
import type { Caller } from '../../domain/caller.js';
import type { Channel, ConversationKind, Party } from '../../domain/conversation-policy.js';
import type { InboxStatus, ParticipantState } from '../../domain/participant-state.js';
import type { AuditEvent, AuditTrail } from '../audit.js';
import type { ChatSettingsReader } from '../chat-settings.js';
import type { Clock } from '../clock.js';
import type { BlockReminderReader } from '../directory.js';
import type { DirectoryReader } from '../directory-ports.js';
import type { Page, PageRequest } from '../page.js';

export { WriteConflict } from '../optimistic.js';

export interface PartyRef {
  type: 'patient' | 'staff' | 'contact';
  id: string;
}

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  channel: Channel;
  subject: string | null;
  participants: Party[];
  createdBy: PartyRef;
  createdAt: string;
  lastMessageAt: string;
  lastDirection: 'inbound' | 'outbound' | 'internal';
  /**
   * The addresses the last send checked for blocks (`type:value`, at most a few): the next reply
   * checks them with its first round of reads, before it knows the participants' addresses; an
   * address the reply uses that is not among them is checked in a second round (blocks still win).
   */
  lookups?: string[];
}

/** `read` and `bounced` come from delivery receipts (use-cases/inbound/receipts.ts). */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'bounced' | 'blocked' | 'suppressed';

export interface DeliveryRecord {
  recipient: PartyRef;
  channel: Channel;
  address: string | null;
  status: DeliveryStatus;
  /** `message`: the message itself; `notification`: the no-content "you have a new message" email. */
  purpose: 'message' | 'notification';
  error?: string;
  /** Set on deliveries of a broadcast: the dispatcher counts their outcomes on it. */
  broadcastId?: string;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  channel: Channel;
  direction: 'inbound' | 'outbound' | 'internal';
  author: PartyRef;
  /** The text; for a rich-text message, the text of `html`. */
  body: string;
  /** Rich text only: the sanitised markup (domain/rich-text.ts). */
  html?: string;
  /** The files it carries (the object key is stored for the dispatcher, never shown). */
  attachments: AttachedFile[];
  createdAt: string;
  deliveries: DeliveryRecord[];
  /** Call logs only. */
  call?: { occurredAt: string; durationSeconds: number };
}

export interface StateRecord extends ParticipantState {
  conversationId: string;
  party: PartyRef;
  lastMessageAt: string;
  /** Blocks with hideExisting that hide this conversation from this inbox (kept across sends). */
  hiddenBy?: string[];
  /** Optimistic concurrency: the version read; absent for a state not yet written. */
  version?: number;
  /**
   * The archive and star this state was read with (a send's states): the send conditions on
   * them rather than on `version`, so concurrent sends into one conversation do not conflict
   * while an archive or star set meanwhile still wins. Absent: the version is the condition.
   */
  readAs?: { archived: boolean; starred: boolean };
}

/** Everything one send writes, in one transaction. */
export interface SendPlan {
  conversation: ConversationRecord;
  /** True when the conversation is created by this write (start, first call log). */
  isNew: boolean;
  message: MessageRecord;
  /** Each participant's state after the message. */
  states: StateRecord[];
  /** Patients whose correspondence lists this message. */
  correspondenceOf: string[];
  /** Provider–patient pairs this conversation belongs to; `exclusive` ones must not exist yet. */
  pairs: { providerId: string; patientId: string; exclusive: boolean }[];
  /** Records the patient's call-log conversation (first call log only). */
  callLogOf?: string;
  /** What the caller is answered with: an Idempotency-Key in flight keeps it, written in the same transaction. */
  answer?: unknown;
  /**
   * Set by sends that tolerate concurrent sends into the conversation (replies): how many
   * participants were read. The conversation is moved on only while it still has that many
   * (nobody joined meanwhile), not only while its activity is older than this message.
   */
  readParticipants?: number;
  /** The draft this send is made from: deleted in the same transaction, so a draft is sent at most once. */
  fromDraft?: DraftRef;
}

/** A draft as a send names it: its author and id. */
export interface DraftRef {
  author: PartyRef;
  id: string;
}

/** The draft a send was made from was sent (or deleted) meanwhile: nothing was written. */
export class DraftGone extends Error {
  constructor() {
    super('draft gone');
  }
}

export interface InboxQuery extends PageRequest {
  status?: InboxStatus | undefined;
  starred?: boolean | undefined;
  channel?: Channel | undefined;
  direction?: 'inbound' | 'outbound' | undefined;
  patientId?: string | undefined;
  q?: string | undefined;
  /** Admins only: list conversations hidden by a block's hideExisting too. */
  includeHidden?: boolean | undefined;
}

export interface InboxEntry extends StateRecord {
  conversation: ConversationRecord;
}

export interface NoteRecord {
  id: string;
  patientId: string;
  conversationId: string;
  text: string;
  author: PartyRef;
  createdAt: string;
}

/** Conversations and participant states; a send writes a whole SendPlan in one transaction. */
export interface ConversationRepository {
  /** null when absent or being deleted (unless `includeDeleting`, for resuming a delete). */
  get(practiceId: string, id: string, options?: { includeDeleting?: boolean }): Promise<ConversationRecord | null>;
  /** Starts reading the conversation now, for the request's first `get` (an adapter's optimisation; may do nothing). */
  prefetch?(practiceId: string, id: string): void;
  states(practiceId: string, id: string): Promise<StateRecord[]>;
  state(practiceId: string, id: string, party: PartyRef): Promise<StateRecord | null>;
  /** The states of these parties that exist, read by key (with whatever else the request reads at the same time). */
  statesOf(practiceId: string, id: string, parties: readonly PartyRef[]): Promise<StateRecord[]>;
  /** Writes a SendPlan atomically. Throws `PairTaken` when an exclusive pair already exists, `WriteConflict` when raced. */
  send(practiceId: string, plan: SendPlan): Promise<void>;
  /** Writes the caller's state if it is still the version read; WriteConflict otherwise. */
  putState(practiceId: string, conversation: ConversationRecord, state: StateRecord): Promise<void>;
  inbox(practiceId: string, party: PartyRef, query: InboxQuery): Promise<Page<InboxEntry>>;
  pairConversation(practiceId: string, providerId: string, patientId: string): Promise<string | null>;
  callLogConversation(practiceId: string, patientId: string): Promise<string | null>;
  deleteConversation(practiceId: string, conversation: ConversationRecord): Promise<void>;
}

/** The messages of one conversation, with their deliveries. */
export interface MessageRepository {
  messages(practiceId: string, conversationId: string, page: PageRequest): Promise<Page<MessageRecord>>;
  message(practiceId: string, conversationId: string, messageId: string): Promise<MessageRecord | null>;
  /** Deletes the message with its deliveries and pointers, and writes `audit` in the same transaction. */
  deleteMessage(practiceId: string, conversation: ConversationRecord, message: MessageRecord, audit: AuditEvent): Promise<void>;
}

/** A patient's messages across conversations, newest first, and their hiding by blocks. */
export interface CorrespondenceRepository {
  correspondence(practiceId: string, patientId: string, page: PageRequest & { includeHidden?: boolean }): Promise<Page<MessageRecord>>;
  /** The patient's correspondence pointers (for hiding a blocked address's messages). */
  correspondencePointers(practiceId: string, patientId: string): Promise<CorrespondencePointer[]>;
  /** Adds (hide) or removes a block id from the pointers' and the conversations' staff states' hiddenBy. Safe to repeat. */
  setHiddenBy(
    practiceId: string,
    patientId: string,
    pointers: readonly CorrespondencePointer[],
    blockId: string,
    hide: boolean,
  ): Promise<void>;
}

/** Quick notes about a patient, saved from a conversation. */
export interface NoteRepository {
  /** `answer`: the request's answer, stored with the write for its Idempotency-Key (see writeAnswered). */
  addNote(practiceId: string, note: NoteRecord, answer?: unknown): Promise<void>;
  notes(practiceId: string, patientId: string, page: PageRequest): Promise<Page<NoteRecord>>;
}

export interface CorrespondencePointer {
  messageId: string;
  conversationId: string;
  channel: Channel;
}

export class PairTaken extends Error {
  constructor(readonly providerId: string, readonly patientId: string) {
    super('pair taken');
    this.name = 'PairTaken';
  }
}

/** The blocklist as the send path sees it: which of these addresses are blocked right now. */
export interface BlockList {
  /** Keys are `email:<value>` or `phone:<E.164>`; one GetItem per address, BatchGetItem for many. */
  blockedAmong(practiceId: string, addresses: readonly { type: 'email' | 'phone'; value: string }[]): Promise<Set<string>>;
}

/** A file a message carries: what the API shows, and its object key in the attachments bucket. */
export interface AttachedFile {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  key: string;
}

/** Attachments a caller may attach (uploads are their own module). */
export interface AttachmentCatalog {
  /** The files among `ids` that are `ready` and belong to the caller, by id (one BatchGetItem). */
  readyFor(caller: Caller, ids: readonly string[]): Promise<Map<string, AttachedFile>>;
  /** Marks the files as carried by this message (before the send writes it: a mark of a message never written authorises nothing). */
  markAttached(practiceId: string, ids: readonly string[], conversationId: string, messageId: string): Promise<void>;
}

export interface ConversationDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  correspondence: CorrespondenceRepository;
  notes: NoteRepository;
  directory: DirectoryReader;
  blocks: BlockList;
  attachments: AttachmentCatalog;
  reminders: BlockReminderReader;
  /** Effective chat with the patients' groups; without it, groups are not consulted. */
  chat?: ChatSettingsReader;
  /** The addresses of contacts in a conversation (an inbound sender answered by staff); without it, contacts get no delivery. */
  contacts?: ContactAddressReader;
  /** Who deleted a conversation (a message's deletion is audited by its own transaction). */
  audit: AuditTrail;
  now: Clock;
}

/** A contact's addresses, as a reply to them needs (one BatchGetItem). */
export interface ContactAddressReader {
  getContacts(practiceId: string, ids: readonly string[]): Promise<{ id: string; email: string | null; primaryPhone: string | null }[]>;
}

/** A recipient the message will not reach: their address is blocked. */
export interface Warning {
  code: 'recipient_blocked';
  recipient: PartyRef;
  channel: Channel;
  address: string;
}
