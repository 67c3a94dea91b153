/**
 * Composition root: the adapters every HTTP handler group uses, created once per execution
 * environment and handed to the use cases. Use cases never import adapters themselves.
 */
import type { AttachmentCatalog, BlockList, ConversationDeps } from '../../app/conversations.js';
import type { BlockReminderReader, DirectoryDeps } from '../../app/directory.js';
import { DynamoConversationRepository } from '../../adapters/dynamo/conversation-repository.js';
import { DynamoDirectoryRepository } from '../../adapters/dynamo/directory-repository.js';
import type { CallerDirectory } from '../../http/auth.js';

const directory = new DynamoDirectoryRepository();

/** No blocks exist until the blocked-contacts module is built; the reminder is then empty. */
const reminders: BlockReminderReader = { blockedContactsOf: async () => [] };

/** No blocks exist until the blocked-contacts module is built: nothing is blocked. */
const blocks: BlockList = { blockedAmong: async () => new Set() };

/** No upload exists until the attachments module is built: no id is ready. */
const attachments: AttachmentCatalog = { readyFor: async () => new Set() };

export const directoryDeps: DirectoryDeps = { directory, reminders, now: () => new Date() };

export const conversationDeps: ConversationDeps = {
  conversations: new DynamoConversationRepository(),
  directory,
  blocks,
  attachments,
  reminders,
  now: () => new Date(),
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
