/** Conversations, messages, notes, call logs and correspondence: parse, call the use case, answer. */
import * as uc from '../../use-cases/conversations.js';
import { bodyOf, httpHandler, paramOf, queryOf } from '../../http/handler.js';
import { idempotent } from '../../http/idempotency.js';
import { created, noContent, ok } from '../../http/responses.js';
import * as s from '../../http/schemas/conversations.js';
import { callerDirectory, conversationDeps as deps } from '../../wiring.js';

export const handler = httpHandler(
  {
    'POST /v1/conversations': (req) =>
      idempotent(req, async () => created(await uc.startConversation(deps, req.caller, bodyOf(req, s.StartConversation)))),

    'GET /v1/conversations': async (req) => ok(await uc.listInbox(deps, req.caller, queryOf(req, s.InboxQuery))),

    'GET /v1/conversations/{id}': async (req) => ok(await uc.getConversation(deps, req.caller, paramOf(req, 'id'))),

    'PATCH /v1/conversations/{id}': async (req) =>
      ok(await uc.patchOwnState(deps, req.caller, paramOf(req, 'id'), bodyOf(req, s.PatchConversation))),

    'DELETE /v1/conversations/{id}': async (req) => {
      await uc.deleteConversation(deps, req.caller, paramOf(req, 'id'));
      return noContent();
    },

    'POST /v1/conversations/{id}/read': async (req) => ok(await uc.markRead(deps, req.caller, paramOf(req, 'id'))),

    'GET /v1/conversations/{id}/messages': async (req) =>
      ok(await uc.listMessages(deps, req.caller, paramOf(req, 'id'), queryOf(req, s.PageOnlyQuery))),

    'POST /v1/conversations/{id}/messages': (req) =>
      idempotent(req, async () => created(await uc.reply(deps, req.caller, paramOf(req, 'id'), bodyOf(req, s.Reply)))),

    'DELETE /v1/conversations/{id}/messages/{messageId}': async (req) => {
      await uc.deleteMessage(deps, req.caller, paramOf(req, 'id'), paramOf(req, 'messageId'));
      return noContent();
    },

    'POST /v1/conversations/{id}/notes': (req) =>
      idempotent(req, async () => created(await uc.addNote(deps, req.caller, paramOf(req, 'id'), bodyOf(req, s.NoteInput)))),

    'GET /v1/patients/{id}/notes': async (req) =>
      ok(await uc.listNotes(deps, req.caller, paramOf(req, 'id'), queryOf(req, s.PageOnlyQuery))),

    'POST /v1/call-logs': (req) => idempotent(req, async () => created(await uc.logCall(deps, req.caller, bodyOf(req, s.CallLogInput)))),

    'GET /v1/patients/{id}/correspondence': async (req) =>
      ok(await uc.correspondence(deps, req.caller, paramOf(req, 'id'), queryOf(req, s.CorrespondenceQuery))),
  },
  callerDirectory,
);
