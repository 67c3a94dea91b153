/** Conversations, messages, notes, call logs and correspondence: call the use case. */
import * as uc from '../../use-cases/conversations/index.js';
import * as drafts from '../../use-cases/drafts/index.js';
import { httpFunction } from '../../http/http-function.js';
import { conversationRoutes } from '../../http/routes/conversations.js';
import { draftRoutes } from '../../http/routes/drafts.js';
import { bulkDeps, conversationDeps as deps, draftDeps } from '../../wiring/conversations.js';
import { httpOptions } from '../../wiring/http.js';

export const handler = httpFunction(
  { ...conversationRoutes, ...draftRoutes },
  {
    startConversation: ({ caller, body }) => uc.startConversation(deps, caller, body),
    listConversations: ({ caller, query }) => uc.listInbox(deps, caller, query),
    bulkUpdateConversations: ({ caller, body }) => uc.bulkUpdate(bulkDeps, caller, body),
    getConversation: ({ caller, params }) => uc.getConversation(deps, caller, params.id),
    updateConversation: ({ caller, params, body }) => uc.patchOwnState(deps, caller, params.id, body),
    deleteConversation: ({ caller, params }) => uc.deleteConversation(deps, caller, params.id),
    markConversationRead: ({ caller, params }) => uc.markRead(deps, caller, params.id),
    listMessages: ({ caller, params, query }) => uc.listMessages(deps, caller, params.id, query),
    replyToConversation: ({ caller, params, body }) => uc.reply(deps, caller, params.id, body),
    deleteMessage: ({ caller, params }) => uc.deleteMessage(deps, caller, params.id, params.messageId),
    addNote: ({ caller, params, body }) => uc.addNote(deps, caller, params.id, body),
    listPatientNotes: ({ caller, params, query }) => uc.listNotes(deps, caller, params.id, query),
    logCall: ({ caller, body }) => uc.logCall(deps, caller, body),
    getPatientCorrespondence: ({ caller, params, query }) => uc.correspondence(deps, caller, params.id, query),
    createDraft: ({ caller, body }) => drafts.createDraft(draftDeps, caller, body),
    listDrafts: ({ caller, query }) => drafts.listDrafts(draftDeps, caller, query),
    getDraft: ({ caller, params }) => drafts.getDraft(draftDeps, caller, params.id),
    updateDraft: ({ caller, params, body }) => drafts.updateDraft(draftDeps, caller, params.id, body),
    deleteDraft: ({ caller, params }) => drafts.deleteDraft(draftDeps, caller, params.id),
    sendDraft: ({ caller, params }) => drafts.sendDraft(draftDeps, caller, params.id),
  },
  {
    ...httpOptions,
    // A reply reads the conversation first: with the caller's record, in one BatchGetItem.
    prefetch: { replyToConversation: ({ practiceId, params }) => deps.conversations.prefetch?.(practiceId, params['id'] as string) },
  },
);
