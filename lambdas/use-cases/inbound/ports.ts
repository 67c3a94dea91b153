/**
 * Ports of the inbound use cases (messages, receipts, quarantine, suppressions); the DynamoDB
 * adapters implement them (lambdas/adapters/dynamo/{inbound,quarantine,suppression,receipt}-*.ts).
 */
import type { Channel, Party } from '../../domain/conversation-policy.js';
import type { Clock } from '../clock.js';
import type { ConversationRecord, ConversationRepository, PartyRef, StateRecord } from '../conversations/ports.js';
import type { DirectoryRepository } from '../directory-ports.js';
import type { ContactRepository } from '../contacts/ports.js';
import type { BlockRepository } from '../blocks/ports.js';
import type { Page, PageRequest } from '../page.js';
import type { InboundChannel, InboundProvider } from './events.js';

export type AddressType = 'email' | 'phone';

/** A file kept with an inbound message (an attachment of the attachments module), or one dropped. */
export interface InboundAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  /** The object's key in the attachments bucket. */
  key: string;
}

/** An inbound message as stored in a conversation (no deliveries: nothing is sent). */
export interface InboundMessageRecord {
  id: string;
  conversationId: string;
  channel: Channel;
  author: PartyRef;
  body: string;
  attachments: InboundAttachment[];
  createdAt: string;
  /** How many files were dropped (over 10 MB, refused type, not fetchable): the view says so, without their names. */
  droppedFiles?: number;
  /** The provider and its id, for audit (never shown to patients). */
  provider: InboundProvider;
  providerMessageId: string;
}

/** Everything one inbound message writes, in one transaction with the claim of its provider id. */
export interface InboundPlan {
  provider: InboundProvider;
  providerMessageId: string;
  conversation: ConversationRecord;
  isNew: boolean;
  message: InboundMessageRecord;
  states: StateRecord[];
  correspondenceOf: string[];
}

/** The provider id was claimed by an earlier delivery of the same message. */
export class AlreadyStored extends Error {
  constructor() {
    super('inbound message already stored');
    this.name = 'AlreadyStored';
  }
}

export interface QuarantineRecord {
  id: string;
  blockId: string;
  channel: InboundChannel;
  from: string;
  receivedAt: string;
  body: string;
  /** What came, by name and type only: a blocked sender's files are never kept. */
  attachments: { fileName: string; contentType: string; size: number | null }[];
  provider: InboundProvider;
  providerMessageId: string;
}

export interface QuarantineQuery extends PageRequest {
  blockId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export type SuppressionReason = 'bounce' | 'complaint' | 'opt_out';

export interface SuppressionRecord {
  id: string;
  channel: InboundChannel;
  addressType: AddressType;
  address: string;
  reason: SuppressionReason;
  at: string;
}

export interface SuppressionQuery extends PageRequest {
  channel?: InboundChannel | undefined;
  /** Address prefix, normalised (email lower-case, phone digits with +). */
  q?: string | undefined;
}

/** Where inbound messages go, and the lookups threading needs. */
export interface InboundStore {
  /** Was this provider id stored already (a cheap early answer; the claim in `store` is what holds)? */
  seen(practiceId: string, provider: InboundProvider, providerMessageId: string): Promise<boolean>;
  /** Writes the plan atomically with the provider-id claim: `AlreadyStored` when claimed, `WriteConflict` when raced. */
  store(practiceId: string, plan: InboundPlan): Promise<void>;
  /** The conversation one of our sent deliveries (by provider message id) belongs to. */
  conversationOfSent(practiceId: string, providerMessageIds: readonly string[]): Promise<string | null>;
  /** Claims `contactId` as the contact of an unknown address; answers the contact id that holds the claim (this one or an earlier one). */
  claimInboundContact(practiceId: string, type: AddressType, address: string, contactId: string): Promise<string>;
  /** The party's newest conversation on the channel (open or archived), or null. */
  latestConversation(practiceId: string, party: PartyRef, channel: Channel): Promise<string | null>;
}

export interface QuarantineRepository {
  /** Puts the record with the provider-id claim: `AlreadyStored` when claimed. */
  put(practiceId: string, record: QuarantineRecord): Promise<void>;
  list(practiceId: string, query: QuarantineQuery): Promise<Page<QuarantineRecord>>;
}

export interface SuppressionRepository {
  /** Suppresses the address (keeps the id of an existing suppression; its reason becomes `reason`). */
  suppress(practiceId: string, s: Omit<SuppressionRecord, 'id'> & { id: string }): Promise<void>;
  get(practiceId: string, type: AddressType, address: string): Promise<SuppressionRecord | null>;
  byId(practiceId: string, id: string): Promise<SuppressionRecord | null>;
  /** Deletes it when its reason is still one of `reasons`; false otherwise. */
  lift(practiceId: string, s: SuppressionRecord, reasons: readonly SuppressionReason[]): Promise<boolean>;
  list(practiceId: string, query: SuppressionQuery): Promise<Page<SuppressionRecord>>;
}

export type ReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed' | 'bounced';

/** A sent delivery as a receipt finds it (by the provider's message id, within the practice). */
export interface SentDelivery {
  practiceId: string;
  conversationId: string;
  /** The delivery item's sort key (opaque to the use case). */
  sk: string;
  status: string;
  channel: Channel;
  address: string | null;
  broadcastId?: string;
}

export interface ReceiptStore {
  /** The deliveries we sent under this provider message id (one Query on gsi3). */
  find(practiceId: string, providerMessageId: string): Promise<SentDelivery[]>;
  /**
   * Moves the delivery to `status` when its rank is below `rank` (a conditional update on the
   * rank attribute): the status it had, or null when it was already as far or further.
   */
  advance(d: SentDelivery, status: ReceiptStatus, rank: number, at: string, errorCode?: string): Promise<string | null>;
}

/** What inbound counts (CloudWatch EMF on AWS, counters locally); never ids or PHI. */
export type InboundMetric = 'delivered' | 'receipt_unmatched' | 'receipt_no_practice' | 'inbound_stored' | 'inbound_duplicate' | 'quarantined' | 'opt_out' | 'opt_in';

export interface InboundMetrics {
  count(metric: InboundMetric, channel: string): void;
}

/** The attachments module's intake of an inbound file (checked like an upload); null when refused. */
export type FileIntake = (input: { practiceId: string; fileName: string; contentType: string; bytes: Uint8Array }) => Promise<InboundAttachment | null>;

export interface InboundDeps {
  store: InboundStore;
  conversations: Pick<ConversationRepository, 'get' | 'states'>;
  directory: Pick<DirectoryRepository, 'addressOwners' | 'listStaff'>;
  contacts: Pick<ContactRepository, 'createContact' | 'getContact'>;
  blocks: Pick<BlockRepository, 'activeAmong' | 'countQuarantined'>;
  quarantine: QuarantineRepository;
  suppressions: SuppressionRepository;
  receipts: ReceiptStore;
  /** Broadcast counts follow a receipt (one small UpdateItem). */
  broadcastCounts: (practiceId: string, broadcastId: string, change: Record<string, number>) => Promise<void>;
  metrics: InboundMetrics;
  /** The conversation an email `Reply-To` token names (null when forged or unknown). */
  conversationForReplyToken?: (token: string) => string | null;
  /** The attachments intake; absent: inbound files are dropped (and the message says so). */
  ingestFile?: FileIntake;
  /** Marks kept files as carried by the message (so the conversation's readers may download them), before it is written. */
  markAttached?: (practiceId: string, ids: readonly string[], conversationId: string, messageId: string) => Promise<void>;
  now: Clock;
}

export type { Party };
