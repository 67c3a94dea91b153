/** The conversations function's composition: conversations, messages, notes, bulk actions and drafts. */
import { DynamoAttachmentRepository } from '../adapters/dynamo/attachment-repository.js';
import { activeBlocks } from '../adapters/dynamo/active-blocks.js';
import { DynamoAuditTrail } from '../adapters/dynamo/audit-trail.js';
import { contactReads } from '../adapters/dynamo/contact-reads.js';
import { conversationBulkReads } from '../adapters/dynamo/conversation-bulk-reads.js';
import { DynamoConversationRepository } from '../adapters/dynamo/conversation-repository.js';
import { DynamoCorrespondenceRepository } from '../adapters/dynamo/correspondence-repository.js';
import { DynamoDraftRepository } from '../adapters/dynamo/draft-repository.js';
import { DynamoGroupRepository } from '../adapters/dynamo/group-repository.js';
import { DynamoMessageRepository } from '../adapters/dynamo/message-repository.js';
import { DynamoNoteRepository } from '../adapters/dynamo/note-repository.js';
import { attachmentCatalog } from '../use-cases/attachments/catalog.js';
import { blockList, blockReminders } from '../use-cases/blocks/index.js';
import { chatSettingsReader } from '../use-cases/chat-settings.js';
import { systemClock } from '../use-cases/clock.js';
import type { ConversationDeps } from '../use-cases/conversations/index.js';
import type { BulkDeps } from '../use-cases/conversations/bulk.js';
import type { DraftDeps } from '../use-cases/drafts/index.js';
import { directory } from './http.js';

export const conversationDeps: ConversationDeps = {
  conversations: new DynamoConversationRepository(),
  messages: new DynamoMessageRepository(),
  correspondence: new DynamoCorrespondenceRepository(),
  notes: new DynamoNoteRepository(),
  directory,
  blocks: blockList(activeBlocks),
  /** Sends attach only the caller's own ready files, and mark the messages that carry them. */
  attachments: attachmentCatalog(new DynamoAttachmentRepository()),
  reminders: blockReminders(activeBlocks),
  /** Effective chat (own, else groups, else the practice default by creation time), for the send rules. */
  chat: chatSettingsReader(new DynamoGroupRepository()),
  contacts: contactReads,
  audit: new DynamoAuditTrail(),
  now: systemClock,
};

/** Bulk actions read their conversations and the caller's states in BatchGetItem calls. */
export const bulkDeps: BulkDeps = { ...conversationDeps, bulkReads: conversationBulkReads };

/** Drafts send through the start and reply use cases: the conversation dependencies and the drafts. */
export const draftDeps: DraftDeps = { ...conversationDeps, drafts: new DynamoDraftRepository() };
