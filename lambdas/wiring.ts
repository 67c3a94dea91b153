/**
 * Composition root: the adapters every HTTP handler group uses, created once per execution
 * environment and handed to the use cases. Use cases never import adapters themselves.
 */
import { blockList, blockReminders, type BlockDeps } from './use-cases/blocks.js';
import type { AttachmentCatalog, BlockList, ConversationDeps } from './use-cases/conversations.js';
import { DynamoBlockRepository } from './adapters/dynamo/block-repository.js';
import type { BlockReminderReader, DirectoryDeps } from './use-cases/directory.js';
import { DynamoConversationRepository } from './adapters/dynamo/conversation-repository.js';
import { DynamoDirectoryRepository } from './adapters/dynamo/directory-repository.js';
import type { CallerDirectory } from './http/auth.js';
import { chatSettingsReader, type ChatSettingsDeps } from './use-cases/chat-settings.js';
import type { ContactDeps } from './use-cases/contacts.js';
import { DynamoContactRepository } from './adapters/dynamo/contact-repository.js';
import { DynamoBroadcastRepository } from './adapters/dynamo/broadcast-repository.js';
import type { BroadcastDeps } from './use-cases/broadcasts.js';

const directory = new DynamoDirectoryRepository();
const contactRepository = new DynamoContactRepository();
/** Effective chat (own, else groups, else the practice default by creation time), for patient records and send rules. */
const chat = chatSettingsReader(contactRepository);

const blockRepository = new DynamoBlockRepository();
const conversations = new DynamoConversationRepository();
const reminders: BlockReminderReader = blockReminders(blockRepository);

const blocks: BlockList = blockList(blockRepository);

/** No upload exists until the attachments module is built: no id is ready. */
const attachments: AttachmentCatalog = { readyFor: async () => new Set() };

export const directoryDeps: DirectoryDeps = { directory, reminders, chat, now: () => new Date() };

export const conversationDeps: ConversationDeps = {
  conversations,
  directory,
  blocks,
  attachments,
  reminders,
  chat,
  now: () => new Date(),
};

export const blockDeps: BlockDeps = { blocks: blockRepository, directory, conversations, now: () => new Date() };

export const contactDeps: ContactDeps = { contacts: contactRepository, directory, blocking: blockDeps, now: () => new Date() };

export const chatSettingsDeps: ChatSettingsDeps = { directory, now: () => new Date() };

export const broadcastDeps: BroadcastDeps = {
  ...conversationDeps,
  broadcasts: new DynamoBroadcastRepository(),
  contacts: contactRepository,
  blockRecords: blockRepository,
};

export const callerDirectory = (): CallerDirectory => ({
  async findStaffEntry(practiceId, id) {
    const s = await directory.getStaff(practiceId, id);
    return s ? { name: s.name, role: s.role, permissions: s.permissions } : null;
  },
  async findPatientEntry(practiceId, id) {
    const p = await directory.getPatient(practiceId, id);
    return p ? { name: p.name, role: 'patient', permissions: [] } : null;
  },
});
