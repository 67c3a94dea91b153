/**
 * Composition root: the adapters every HTTP handler group uses, created once per execution
 * environment and handed to the use cases. Use cases never import adapters themselves.
 */
import { blockList, blockReminders, type BlockDeps } from './use-cases/blocks/index.js';
import type { AttachmentCatalog, BlockList, ConversationDeps } from './use-cases/conversations/index.js';
import { systemClock } from './use-cases/clock.js';
import { DynamoBlockRepository } from './adapters/dynamo/block-repository.js';
import type { BlockReminderReader, DirectoryDeps } from './use-cases/directory.js';
import { DynamoConversationRepository } from './adapters/dynamo/conversation-repository.js';
import { DynamoMessageRepository } from './adapters/dynamo/message-repository.js';
import { DynamoCorrespondenceRepository } from './adapters/dynamo/correspondence-repository.js';
import { DynamoNoteRepository } from './adapters/dynamo/note-repository.js';
import { DynamoDirectoryRepository } from './adapters/dynamo/directory-repository.js';
import { requestCachedDirectory } from './adapters/dynamo/request-cached-directory.js';
import { DynamoAuditTrail } from './adapters/dynamo/audit-trail.js';
import type { CallerDirectory } from './http/auth.js';
import type { HttpFunctionOptions } from './http/http-function.js';
import { idempotency } from './http/idempotency.js';
import { DynamoIdempotencyStore } from './adapters/dynamo/idempotency-store.js';
import { cursorKey } from './adapters/providers/cursor-key.js';
import { chatSettingsReader, type ChatSettingsDeps } from './use-cases/chat-settings.js';
import { contactStatusFollower, type ContactDeps } from './use-cases/contacts/index.js';
import { DynamoContactRepository } from './adapters/dynamo/contact-repository.js';
import { DynamoContactMessageLog } from './adapters/dynamo/contact-message-log.js';
import { DynamoGroupRepository } from './adapters/dynamo/group-repository.js';
import { DynamoBroadcastRepository } from './adapters/dynamo/broadcast-repository.js';
import { DynamoAudienceDirectory } from './adapters/dynamo/audience-directory.js';
import type { BroadcastDeps } from './use-cases/broadcasts.js';
import { attachmentCatalog } from './use-cases/attachments/catalog.js';
import { DynamoAttachmentRepository } from './adapters/dynamo/attachment-repository.js';
import type { DraftDeps } from './use-cases/drafts/index.js';
import type { BulkDeps } from './use-cases/conversations/bulk.js';
import { conversationBulkReads } from './adapters/dynamo/conversation-bulk-reads.js';
import { DynamoDraftRepository } from './adapters/dynamo/draft-repository.js';

/** Staff and patient records read once per request (the auth step's read serves the use case too). */
const directory = requestCachedDirectory(new DynamoDirectoryRepository());
const contactRepository = new DynamoContactRepository();
const groupRepository = new DynamoGroupRepository();
/** Effective chat (own, else groups, else the practice default by creation time), for patient records and send rules. */
const chat = chatSettingsReader(groupRepository);

const blockRepository = new DynamoBlockRepository();
const conversations = new DynamoConversationRepository();
const correspondence = new DynamoCorrespondenceRepository();
const reminders: BlockReminderReader = blockReminders(blockRepository);

const blocks: BlockList = blockList(blockRepository);

/** Attachment records (the files themselves: attachment-wiring.ts, for the attachments function only). */
export const attachmentRepository = new DynamoAttachmentRepository();
/** Sends attach only the caller's own ready files, and mark the messages that carry them. */
const attachments: AttachmentCatalog = attachmentCatalog(attachmentRepository);

/** Audit events (deletions, staff changes): append-only, kept for the life of the table. */
const audit = new DynamoAuditTrail();

export const directoryDeps: DirectoryDeps = { directory, reminders, chat, audit, now: systemClock };

export const conversationDeps: ConversationDeps = {
  conversations,
  messages: new DynamoMessageRepository(),
  correspondence,
  notes: new DynamoNoteRepository(),
  directory,
  blocks,
  attachments,
  reminders,
  chat,
  contacts: contactRepository,
  audit,
  now: systemClock,
};

/** Bulk actions read their conversations and the caller's states in BatchGetItem calls. */
export const bulkDeps: BulkDeps = { ...conversationDeps, bulkReads: conversationBulkReads };

/** Drafts send through the start and reply use cases: the conversation dependencies and the drafts. */
export const draftDeps: DraftDeps = { ...conversationDeps, drafts: new DynamoDraftRepository() };

// Contacts follow what the block routes change (a contact's status follows its blocks); contactDeps is read at call time.
export const blockDeps: BlockDeps = {
  blocks: blockRepository,
  directory,
  conversations,
  now: systemClock,
  follower: { followBlocks: (caller, addresses) => contactStatusFollower(contactDeps).followBlocks(caller, addresses) },
};

const contactMessages = new DynamoContactMessageLog();
export const contactDeps: ContactDeps = {
  contacts: contactRepository,
  groups: groupRepository,
  messages: contactMessages,
  directory,
  blocking: blockDeps,
  now: systemClock,
};

export const chatSettingsDeps: ChatSettingsDeps = { directory, now: systemClock };

export const broadcastDeps: BroadcastDeps = {
  broadcasts: new DynamoBroadcastRepository(),
  audienceDirectory: new DynamoAudienceDirectory(directory),
  now: systemClock,
};

export const callerDirectory = (): CallerDirectory => ({
  async findStaffEntry(practiceId, id) {
    const s = await directory.getStaff(practiceId, id);
    return s ? { name: s.name, role: s.role, permissions: s.permissions, status: s.status } : null;
  },
  async findPatientEntry(practiceId, id) {
    const p = await directory.getPatient(practiceId, id);
    return p ? { name: p.name, role: 'patient', permissions: [] } : null;
  },
});

/** What every HTTP function serving a practice is handed: the caller check, Idempotency-Key on the table, the cursor key. */
export const httpOptions: HttpFunctionOptions = {
  directory: callerDirectory,
  idempotent: idempotency(new DynamoIdempotencyStore(), { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS }),
  cursorKey,
};

// Stream consumers ---------------------------------------------------------------------------
// (section owned with the stream handlers; its imports are kept here, beside what uses them)
// The delivery pipeline (dispatcher, delivery queue consumer, sweeper: metrics, senders, the
// queue) is composed in lambdas/delivery-wiring.ts, so HTTP functions bundle no provider or SQS client.
import type { VisibilityDeps } from './use-cases/block-visibility.js';
import { config } from './config.js';
import type { FanOutDeps } from './use-cases/conversations/participants-fanout.js';
import { DynamoParticipantFanOutStore } from './adapters/dynamo/participant-fanout-store.js';

/** A large conversation's participant chunks off the stream (states, deliveries, pointers beyond one transaction). */
export const participantFanOutDeps: FanOutDeps = { fanOut: new DynamoParticipantFanOutStore() };

/** hideExisting off the stream: the conversations and directory the HTTP use cases use. */
export const visibilityDeps: VisibilityDeps = { conversations: correspondence, directory: conversationDeps.directory };

