/**
 * Conversation use cases. Each gathers the facts, asks the domain rules, and writes through the
 * repositories; a send is one transaction (message, conversation activity, participant states,
 * deliveries, correspondence pointers).
 */
export { startConversation, type StartInput } from './start.js';
export { reply, type ReplyInput } from './reply.js';
export { getConversation, listInbox, listMessages, markRead, patchOwnState } from './inbox.js';
export { deleteConversation, deleteMessage } from './delete.js';
export { bulkActions, bulkUpdate, type BulkAction, type BulkResult } from './bulk.js';
export { addNote, listNotes } from './notes.js';
export { logCall, type CallLogInput } from './call-logs.js';
export { correspondence } from './correspondence.js';
export { patientFacts } from './facts.js';
export { newMessage, statesAfter, type NewMessage } from './new-message.js';
export { messageView, type ConversationView, type MessageView } from './views.js';
export {
  DraftGone,
  PairTaken,
  WriteConflict,
  type AttachmentCatalog,
  type BlockList,
  type ConversationDeps,
  type ConversationRecord,
  type ConversationRepository,
  type CorrespondencePointer,
  type CorrespondenceRepository,
  type DeliveryRecord,
  type DeliveryStatus,
  type DraftRef,
  type InboxEntry,
  type InboxQuery,
  type MessageRecord,
  type MessageRepository,
  type NoteRecord,
  type NoteRepository,
  type PartyRef,
  type SendPlan,
  type StateRecord,
  type Warning,
} from './ports.js';
