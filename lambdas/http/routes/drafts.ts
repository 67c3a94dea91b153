/** Drafts of their author (served by the conversations function: sending one is a start or a reply). */
import { route } from '../route-record.js';
import * as d from '../schemas/drafts.js';
import { conversationRoutes } from './conversations.js';

/** Sending answers with every refusal a start or a reply can give: the same rules apply. */
const sendErrors = [...new Set([...conversationRoutes.startConversation.errors, ...conversationRoutes.replyToConversation.errors, 'not_a_participant'] as const)];

export const draftRoutes = {
  createDraft: route({
    method: 'POST',
    path: '/v1/drafts',
    auth: 'jwt',
    summary: 'Save a draft: any subset of the fields of a new conversation or a reply (shapes are checked, the rules at send time)',
    tag: 'conversations',
    body: d.CreateDraft,
    success: { status: 201, schema: d.Draft },
    idempotent: true,
  }),
  listDrafts: route({
    method: 'GET',
    path: '/v1/drafts',
    auth: 'jwt',
    summary: "The caller's drafts, newest first",
    tag: 'conversations',
    query: d.DraftListQuery,
    success: { status: 200, schema: d.DraftPage },
  }),
  getDraft: route({
    method: 'GET',
    path: '/v1/drafts/{id}',
    auth: 'jwt',
    summary: "One of the caller's drafts (anyone else's is 404)",
    tag: 'conversations',
    success: { status: 200, schema: d.Draft },
  }),
  updateDraft: route({
    method: 'PATCH',
    path: '/v1/drafts/{id}',
    auth: 'jwt',
    summary: 'Change a draft: given fields replace, null removes',
    tag: 'conversations',
    body: d.UpdateDraft,
    success: { status: 200, schema: d.Draft },
  }),
  deleteDraft: route({
    method: 'DELETE',
    path: '/v1/drafts/{id}',
    auth: 'jwt',
    summary: 'Discard a draft',
    tag: 'conversations',
    success: { status: 204 },
  }),
  sendDraft: route({
    method: 'POST',
    path: '/v1/drafts/{id}/send',
    auth: 'jwt',
    summary:
      'Send a draft under every rule of the start and reply routes, checked now: without conversationId as a new conversation, with it as a reply. The draft is deleted when the send succeeds and kept when it is refused',
    tag: 'conversations',
    success: { status: 201, schema: d.DraftSent },
    errors: sendErrors,
    idempotent: true,
  }),
};
