/**
 * What each route takes and answers, for the OpenAPI document. The schemas are the same
 * objects the handlers validate with, so the document cannot drift from the code.
 * Every route of lib/routes.ts must have an entry (a test checks it).
 */
import type { ZodType } from 'zod';
import * as b from './schemas/blocks.js';
import * as bc from './schemas/broadcasts.js';
import * as c from './schemas/conversations.js';
import * as k from './schemas/contacts.js';
import * as d from './schemas/directory.js';
import { z } from './schemas/zod.js';

export interface Operation {
  summary: string;
  tag: string;
  body?: ZodType;
  query?: ZodType;
  /** Status and schema of the success answer; `null` schema for 204. */
  success: { status: number; schema: ZodType | null; description?: string };
  /** Error codes this operation can answer with, beyond the common ones. */
  errors?: Record<number, string[]>;
  idempotent?: boolean;
}

const Health = z.object({ ok: z.literal(true) }).openapi('Health');

export const operations: Record<string, Operation> = {
  'GET /health': { summary: 'Liveness check', tag: 'meta', success: { status: 200, schema: Health } },
  'GET /v1/openapi.json': {
    summary: 'This OpenAPI 3.1 document',
    tag: 'meta',
    success: { status: 200, schema: z.object({}).catchall(z.unknown()) },
  },

  'GET /v1/settings/practice': {
    summary: 'Read the practice settings (staff)',
    tag: 'directory',
    success: { status: 200, schema: d.PracticeSettings },
  },
  'PATCH /v1/settings/practice': {
    summary: 'Change the practice settings (admin)',
    tag: 'directory',
    body: d.UpdatePracticeSettings,
    success: { status: 200, schema: d.PracticeSettings },
  },
  'POST /v1/staff': {
    summary: 'Add a staff member (admin)',
    tag: 'directory',
    body: d.CreateStaff,
    success: { status: 201, schema: d.Staff },
    idempotent: true,
  },
  'GET /v1/staff': {
    summary: 'List staff, by name',
    tag: 'directory',
    query: d.ListStaffQuery,
    success: { status: 200, schema: d.StaffPage },
  },
  'GET /v1/staff/{id}': { summary: 'Read a staff member', tag: 'directory', success: { status: 200, schema: d.Staff } },
  'PATCH /v1/staff/{id}': {
    summary: 'Change a staff member (admin)',
    tag: 'directory',
    body: d.UpdateStaff,
    success: { status: 200, schema: d.Staff },
    errors: { 409: ['concurrent_update'] },
  },
  'POST /v1/patients': {
    summary: 'Add a patient (admin or receptionist)',
    tag: 'directory',
    body: d.CreatePatient,
    success: { status: 201, schema: d.Patient },
    idempotent: true,
  },
  'GET /v1/patients': {
    summary: 'List patients by name, or search by name word, email or phone prefix (staff)',
    tag: 'directory',
    query: d.ListPatientsQuery,
    success: { status: 200, schema: d.PatientPage },
  },
  'GET /v1/patients/{id}': {
    summary: 'Read a patient, with effective chat settings and blocked contacts',
    tag: 'directory',
    success: { status: 200, schema: d.Patient },
  },
  'PATCH /v1/patients/{id}': {
    summary: 'Change a patient (admin or receptionist)',
    tag: 'directory',
    body: d.UpdatePatient,
    success: { status: 200, schema: d.Patient },
    errors: { 409: ['concurrent_update'] },
  },

  'POST /v1/conversations': {
    summary: 'Start a conversation (the caller joins it) with its first message',
    tag: 'conversations',
    body: c.StartConversation,
    success: { status: 201, schema: c.Started },
    errors: {
      400: ['attachments_not_allowed', 'attachment_not_ready'],
      403: ['conversation_rule', 'chat_disabled'],
      409: ['conversation_exists (with existingConversationId)'],
      422: ['channel_unavailable (with patientId)', 'chat_disabled'],
    },
    idempotent: true,
  },
  'GET /v1/conversations': {
    summary: "The caller's inbox, newest activity first; archived ones only with status=archived",
    tag: 'conversations',
    query: c.InboxQuery,
    success: { status: 200, schema: c.ConversationPage },
  },
  'GET /v1/conversations/{id}': {
    summary: "A conversation with the caller's status, star and reply policy",
    tag: 'conversations',
    success: { status: 200, schema: c.Conversation },
    errors: { 403: ['not_a_participant'] },
  },
  'PATCH /v1/conversations/{id}': {
    summary: 'Archive, un-archive (back to read) or star, for the caller only',
    tag: 'conversations',
    body: c.PatchConversation,
    success: { status: 200, schema: c.Conversation },
    errors: { 403: ['not_a_participant'] },
  },
  'DELETE /v1/conversations/{id}': {
    summary: 'Delete permanently: only a staff-started conversation, by its starter or an admin',
    tag: 'conversations',
    success: { status: 204, schema: null },
    errors: { 403: ['delete_not_allowed', 'not_a_participant'] },
  },
  'POST /v1/conversations/{id}/read': {
    summary: 'Mark read for the caller',
    tag: 'conversations',
    success: { status: 200, schema: c.Conversation },
    errors: { 403: ['not_a_participant'] },
  },
  'GET /v1/conversations/{id}/messages': {
    summary: 'Messages, oldest first, with their deliveries',
    tag: 'conversations',
    query: c.PageOnlyQuery,
    success: { status: 200, schema: c.MessagePage },
    errors: { 403: ['not_a_participant'] },
  },
  'POST /v1/conversations/{id}/messages': {
    summary: 'Reply',
    tag: 'conversations',
    body: c.Reply,
    success: { status: 201, schema: c.Message },
    errors: {
      400: ['attachments_not_allowed', 'attachment_not_ready'],
      403: ['reply_not_allowed', 'patient_inactive', 'chat_disabled', 'not_a_participant'],
      422: ['chat_disabled'],
    },
    idempotent: true,
  },
  'DELETE /v1/conversations/{id}/messages/{messageId}': {
    summary: 'Delete permanently an outbound message the caller wrote',
    tag: 'conversations',
    success: { status: 204, schema: null },
    errors: { 403: ['delete_not_allowed', 'not_a_participant'] },
  },
  'POST /v1/conversations/{id}/notes': {
    summary: "Save a quick note to the patient's chart (exactly one patient in the conversation)",
    tag: 'conversations',
    body: c.NoteInput,
    success: { status: 201, schema: c.Note },
    errors: { 422: ['note_not_allowed'], 403: ['not_a_participant'] },
    idempotent: true,
  },
  'GET /v1/patients/{id}/notes': {
    summary: "The patient's chart notes, newest first (staff)",
    tag: 'conversations',
    query: c.PageOnlyQuery,
    success: { status: 200, schema: c.NotePage },
  },
  'POST /v1/call-logs': {
    summary: "Log a phone call as a `call` message in the patient's call-log conversation (staff)",
    tag: 'conversations',
    body: c.CallLogInput,
    success: { status: 201, schema: c.Message },
    idempotent: true,
  },
  'GET /v1/patients/{id}/correspondence': {
    summary: 'Every message with the patient on every channel, newest first, and the blocked-contacts reminder (staff)',
    tag: 'conversations',
    query: c.CorrespondenceQuery,
    success: { status: 200, schema: c.Correspondence },
  },

  'POST /v1/blocks': {
    summary: 'Block an email or phone (manage_contacts); linked to the patient who has it when patientId is omitted',
    tag: 'blocks',
    body: b.CreateBlock,
    success: { status: 201, schema: b.Block },
    errors: { 409: ['already_blocked (with existingBlockId)'] },
    idempotent: true,
  },
  'GET /v1/blocks': {
    summary: 'Active blocks, newest first; filters type, q, patientId, contactId, blockedFrom, blockedTo',
    tag: 'blocks',
    query: b.ListBlocksQuery,
    success: { status: 200, schema: b.BlockPage },
  },
  'GET /v1/blocks/stats': {
    summary: 'Blocks per day in a range, unblocks and the unblock rate',
    tag: 'blocks',
    query: b.StatsQuery,
    success: { status: 200, schema: b.BlockStats },
  },
  'POST /v1/blocks/from-conversations': {
    summary: 'Block the external sender addresses of conversations (dryRun lists them first)',
    tag: 'blocks',
    body: b.BlockFromConversations,
    success: { status: 200, schema: b.FromConversationsResult },
  },
  'GET /v1/blocks/{id}': { summary: 'A block (also after it was lifted)', tag: 'blocks', success: { status: 200, schema: b.Block } },
  'PATCH /v1/blocks/{id}': {
    summary: 'Change the reason or hideExisting of an active block',
    tag: 'blocks',
    body: b.UpdateBlock,
    success: { status: 200, schema: b.Block },
    errors: { 409: ['block_not_active', 'concurrent_update'] },
  },
  'DELETE /v1/blocks/{id}': {
    summary: 'Unblock: the address can be messaged again at once; the record and history stay',
    tag: 'blocks',
    success: { status: 204, schema: null },
  },
  'GET /v1/blocks/{id}/history': {
    summary: 'Audit events of a block (blocked, updated, unblocked), oldest first',
    tag: 'blocks',
    query: c.PageOnlyQuery,
    success: { status: 200, schema: b.BlockHistory },
  },
  'POST /v1/patients/{id}/blocks': {
    summary: "Block chosen contact methods saved on the patient",
    tag: 'blocks',
    body: b.BlockPatientMethods,
    success: { status: 201, schema: b.BlockOutcomes },
    idempotent: true,
  },

  'POST /v1/contacts': {
    summary: 'Add a contact (manage_contacts); with status "blocked" every address of the contact is blocked at once',
    tag: 'contacts',
    body: k.CreateContact,
    success: { status: 201, schema: k.Contact },
    idempotent: true,
  },
  'GET /v1/contacts': {
    summary:
      'List contacts (by name; status=blocked or a blocking-date range: most recently blocked first). q: prefix of a name word, email or phone. A filtered page may hold fewer than limit items: follow nextCursor',
    tag: 'contacts',
    query: k.ListContactsQuery,
    success: { status: 200, schema: k.ContactPage },
  },
  'POST /v1/contacts/block': {
    summary: 'Block contacts in bulk: each address of each contact is blocked (an already blocked address keeps its block); outcome per contact',
    tag: 'contacts',
    body: k.BlockContacts,
    success: { status: 200, schema: k.BlockContactsResult },
  },
  'GET /v1/contacts/{id}': { summary: 'Read a contact', tag: 'contacts', success: { status: 200, schema: k.Contact } },
  'PATCH /v1/contacts/{id}': {
    summary:
      'Change a contact. A blocked contact stays blocked: a changed address is blocked in place of the old one (whose block is lifted). Group memberships: POST /v1/groups/{id}/members',
    tag: 'contacts',
    body: k.UpdateContact,
    success: { status: 200, schema: k.Contact },
    errors: { 409: ['contact_blocked', 'concurrent_update'] },
  },
  'POST /v1/contacts/{id}/unblock': {
    summary:
      'Lift every active block linked to the contact and set a blocked contact back to active; group memberships are kept. Blocks of the same address made for someone else stay',
    tag: 'contacts',
    success: { status: 200, schema: k.Contact },
  },
  'GET /v1/contacts/{id}/history': {
    summary:
      "The contact's block events (blocked, updated, unblocked), newest first, kept after an unblock. Contacts cannot be conversation participants yet, so no messages appear here",
    tag: 'contacts',
    query: c.PageOnlyQuery,
    success: { status: 200, schema: k.ContactHistory },
  },
  'POST /v1/groups': {
    summary: 'Create a group of patients and contacts (manage_contacts)',
    tag: 'groups',
    body: k.CreateGroup,
    success: { status: 201, schema: k.Group },
    idempotent: true,
  },
  'GET /v1/groups': { summary: 'List groups by name', tag: 'groups', query: c.PageOnlyQuery, success: { status: 200, schema: k.GroupPage } },
  'GET /v1/groups/{id}': { summary: 'Read a group', tag: 'groups', success: { status: 200, schema: k.Group } },
  'POST /v1/groups/{id}/members': {
    summary: 'Add patients and contacts to a group (404 for an unknown id); adding a member twice changes nothing',
    tag: 'groups',
    body: k.AddMembers,
    success: { status: 200, schema: k.AddMembersResult },
  },
  'GET /v1/groups/{id}/members': {
    summary: "A group's members",
    tag: 'groups',
    query: c.PageOnlyQuery,
    success: { status: 200, schema: k.GroupMemberPage },
  },
  'PATCH /v1/groups/{id}/chat': {
    summary:
      "The group's chat settings for its members (manage_contacts). A patient without their own setting gets the most restrictive of their groups'",
    tag: 'chat settings',
    body: k.UpdateGroupChat,
    success: { status: 200, schema: k.Group },
    errors: { 409: ['concurrent_update'] },
  },
  'GET /v1/settings/chat': {
    summary: 'The practice chat default and its changes (staff)',
    tag: 'chat settings',
    success: { status: 200, schema: k.PracticeChat },
  },
  'PATCH /v1/settings/chat': {
    summary: 'Change the practice chat default (admin): applyTo "new" for patients created from now on, "all" for every patient without their own setting',
    tag: 'chat settings',
    body: k.UpdatePracticeChat,
    success: { status: 200, schema: k.PracticeChat },
  },
  'POST /v1/broadcasts': {
    summary: 'Send a blast: one private message per recipient, fanned out in the background (send_messages)',
    tag: 'broadcasts',
    body: bc.CreateBroadcast,
    success: { status: 202, schema: bc.BroadcastAccepted },
    errors: { 404: ['not_found (a patient, contact or group of the audience)'] },
    idempotent: true,
  },
  'GET /v1/broadcasts/{id}': {
    summary: 'Progress of a broadcast',
    tag: 'broadcasts',
    success: { status: 200, schema: bc.Broadcast },
  },
};
