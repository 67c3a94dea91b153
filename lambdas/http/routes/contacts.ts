/** Contacts, groups and chat settings. */
import { route } from '../route-record.js';
import * as k from '../schemas/contacts.js';
import { PageOnlyQuery } from '../schemas/conversations.js';

export const contactRoutes = {
  createContact: route({
    method: 'POST',
    path: '/v1/contacts',
    auth: 'jwt',
    summary: 'Add a contact (manage_contacts); with status "blocked" every address of the contact is blocked at once',
    tag: 'contacts',
    body: k.CreateContact,
    success: { status: 201, schema: k.Contact },
    idempotent: true,
  }),
  listContacts: route({
    method: 'GET',
    path: '/v1/contacts',
    auth: 'jwt',
    summary:
      'List contacts (by name; status=blocked or a blocking-date range: most recently blocked first). q: prefix of a name word, email or phone. A filtered page may hold fewer than limit items: follow nextCursor',
    tag: 'contacts',
    query: k.ListContactsQuery,
    success: { status: 200, schema: k.ContactPage },
  }),
  blockContacts: route({
    method: 'POST',
    path: '/v1/contacts/block',
    auth: 'jwt',
    summary:
      'Block contacts in bulk: each address of each contact is blocked (an already blocked address keeps its block); outcome per contact',
    tag: 'contacts',
    body: k.BlockContacts,
    success: { status: 200, schema: k.BlockContactsResult },
  }),
  getContact: route({
    method: 'GET',
    path: '/v1/contacts/{id}',
    auth: 'jwt',
    summary: 'Read a contact',
    tag: 'contacts',
    success: { status: 200, schema: k.Contact },
  }),
  updateContact: route({
    method: 'PATCH',
    path: '/v1/contacts/{id}',
    auth: 'jwt',
    summary:
      'Change a contact. A blocked contact stays blocked: a changed address is blocked in place of the old one (whose block is lifted). Group memberships: POST /v1/groups/{id}/members',
    tag: 'contacts',
    body: k.UpdateContact,
    success: { status: 200, schema: k.Contact },
    errors: ['contact_blocked', 'concurrent_update'],
  }),
  unblockContact: route({
    method: 'POST',
    path: '/v1/contacts/{id}/unblock',
    auth: 'jwt',
    summary:
      'Lift every active block linked to the contact and set a blocked contact back to active; group memberships are kept. Blocks of the same address made for someone else stay',
    tag: 'contacts',
    success: { status: 200, schema: k.Contact },
  }),
  getContactHistory: route({
    method: 'GET',
    path: '/v1/contacts/{id}/history',
    auth: 'jwt',
    summary:
      "The contact's block events (blocked, updated, unblocked), newest first, kept after an unblock. Contacts cannot be conversation participants yet, so no messages appear here",
    tag: 'contacts',
    query: PageOnlyQuery,
    success: { status: 200, schema: k.ContactHistory },
  }),
  createGroup: route({
    method: 'POST',
    path: '/v1/groups',
    auth: 'jwt',
    summary: 'Create a group of patients and contacts (manage_contacts)',
    tag: 'groups',
    body: k.CreateGroup,
    success: { status: 201, schema: k.Group },
    idempotent: true,
  }),
  listGroups: route({
    method: 'GET',
    path: '/v1/groups',
    auth: 'jwt',
    summary: 'List groups by name',
    tag: 'groups',
    query: PageOnlyQuery,
    success: { status: 200, schema: k.GroupPage },
  }),
  getGroup: route({
    method: 'GET',
    path: '/v1/groups/{id}',
    auth: 'jwt',
    summary: 'Read a group',
    tag: 'groups',
    success: { status: 200, schema: k.Group },
  }),
  addGroupMembers: route({
    method: 'POST',
    path: '/v1/groups/{id}/members',
    auth: 'jwt',
    summary: 'Add patients and contacts to a group (404 for an unknown id); adding a member twice changes nothing',
    tag: 'groups',
    body: k.AddMembers,
    success: { status: 200, schema: k.AddMembersResult },
  }),
  listGroupMembers: route({
    method: 'GET',
    path: '/v1/groups/{id}/members',
    auth: 'jwt',
    summary: "A group's members",
    tag: 'groups',
    query: PageOnlyQuery,
    success: { status: 200, schema: k.GroupMemberPage },
  }),
  updateGroupChat: route({
    method: 'PATCH',
    path: '/v1/groups/{id}/chat',
    auth: 'jwt',
    summary:
      "The group's chat settings for its members (manage_contacts). A patient without their own setting gets the most restrictive of their groups'",
    tag: 'chat settings',
    body: k.UpdateGroupChat,
    success: { status: 200, schema: k.Group },
    errors: ['concurrent_update'],
  }),
  getPracticeChat: route({
    method: 'GET',
    path: '/v1/settings/chat',
    auth: 'jwt',
    summary: 'The practice chat default and its changes (staff)',
    tag: 'chat settings',
    success: { status: 200, schema: k.PracticeChat },
  }),
  updatePracticeChat: route({
    method: 'PATCH',
    path: '/v1/settings/chat',
    auth: 'jwt',
    summary:
      'Change the practice chat default (admin): applyTo "new" for patients created from now on, "all" for every patient without their own setting',
    tag: 'chat settings',
    body: k.UpdatePracticeChat,
    success: { status: 200, schema: k.PracticeChat },
  }),
};
