import { EmailField, Id, PageQuery, PhoneField, Timestamp, pageOf } from './common.js';
import { DateOrTime } from './dates.js';
import * as z from './zod.js';

const Name = z.string().trim().min(1).max(200);
const Category = z.string().trim().min(1).max(100).openapi({ description: 'Free text, e.g. "lead" or "vendor"; filters match it case-insensitively' });
const Reason = z.string().trim().min(1).max(500);
const ContactStatus = z.enum(['active', 'archived', 'blocked']);

// ---- contacts
export const Contact = z
  .object({
    id: Id,
    name: z.string(),
    email: z.string().nullable(),
    primaryPhone: z.string().nullable().openapi({ description: 'E.164' }),
    secondaryPhone: z.string().nullable().openapi({ description: 'E.164' }),
    category: z.string().nullable(),
    groupIds: z.array(Id),
    status: ContactStatus,
    blockReason: z.string().nullable(),
    blockedAt: Timestamp.nullable(),
    blockIds: z.array(Id).openapi({ description: "Active blocks of the contact's addresses (GET /v1/blocks/{id}); an address that was already blocked keeps its existing block" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Contact');

export const CreateContact = z
  .strictObject({
    name: Name,
    email: EmailField.optional(),
    primaryPhone: PhoneField.optional(),
    secondaryPhone: PhoneField.optional(),
    category: Category.optional(),
    groupIds: z.array(Id).max(20).optional().openapi({ description: 'Existing groups (404 for an unknown one)' }),
    status: ContactStatus.optional().openapi({ description: 'Default active. "blocked" blocks every address of the contact at once' }),
    blockReason: Reason.optional().openapi({ description: 'Only with status "blocked"; becomes the reason of each block' }),
  })
  .openapi('CreateContact');

export const UpdateContact = z
  .strictObject({
    name: Name.optional(),
    email: EmailField.nullable().optional(),
    primaryPhone: PhoneField.nullable().optional(),
    secondaryPhone: PhoneField.nullable().optional(),
    category: Category.nullable().optional(),
    status: z
      .enum(['active', 'archived'])
      .optional()
      .openapi({ description: 'Not for a blocked contact (409 contact_blocked): block and unblock have their own routes' }),
  })
  .openapi('UpdateContact');

export const ListContactsQuery = z.strictObject({
  ...PageQuery,
  status: ContactStatus.optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Prefix of a name word, the email, or phone digits' }),
  category: Category.optional(),
  groupId: Id.optional(),
  blockedFrom: DateOrTime.optional().openapi({ description: 'Blocked at or after (inclusive); selects blocked contacts' }),
  blockedTo: DateOrTime.optional().openapi({ description: 'Blocked at or before (a date includes that whole day); selects blocked contacts' }),
});
export const ContactPage = pageOf(Contact).openapi('ContactPage');

export const BlockContacts = z
  .strictObject({ contactIds: z.array(Id).min(1).max(100), reason: Reason.optional() })
  .openapi('BlockContacts');

export const BlockContactsResult = z
  .object({
    items: z.array(
      z.object({
        contactId: Id,
        status: z.enum(['blocked', 'already_blocked', 'not_found']),
        blockIds: z.array(Id),
      }),
    ),
  })
  .openapi('BlockContactsResult');

const Person = z.object({ id: Id, name: z.string().nullable() });
const ContactBlockEvent = z
  .object({
    kind: z.literal('block_event'),
    blockId: Id,
    action: z.enum(['blocked', 'updated', 'unblocked']),
    by: Person,
    at: Timestamp,
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  })
  .openapi('ContactBlockEvent', { description: "An event of a block of the contact's addresses" });
const ContactMessage = z
  .object({
    kind: z.literal('message'),
    messageId: Id,
    conversationId: Id,
    channel: z.enum(['portal', 'email', 'sms', 'whatsapp', 'call']),
    direction: z.enum(['inbound', 'outbound', 'internal']),
    body: z.string(),
    at: Timestamp.openapi({ description: 'When the message was sent' }),
  })
  .openapi('ContactMessage', { description: 'A message sent to the contact (a broadcast, say)' });
export const ContactHistoryItem = z
  .discriminatedUnion('kind', [ContactMessage, ContactBlockEvent])
  .openapi('ContactHistoryItem', { description: 'A message (kind "message") or a block event (kind "block_event")' });
export const ContactHistory = pageOf(ContactHistoryItem).openapi('ContactHistory');

// ---- groups
const PartialChat = z.object({ directMessaging: z.boolean().optional(), communityChat: z.boolean().optional(), emailNotifications: z.boolean().optional() });

export const Group = z
  .object({
    id: Id,
    name: z.string(),
    chat: PartialChat.nullable().openapi({ description: "The group's own chat settings for its members; null when none" }),
    memberCount: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Group');
export const GroupPage = pageOf(Group).openapi('GroupPage');

export const CreateGroup = z.strictObject({ name: Name }).openapi('CreateGroup');

export const AddMembers = z
  .strictObject({
    patientIds: z.array(Id).max(100).optional(),
    contactIds: z.array(Id).max(100).optional(),
  })
  .openapi('AddMembers');
export const AddMembersResult = z
  .object({ added: z.number().int().openapi({ description: 'Members that were not in the group yet' }), group: Group })
  .openapi('AddMembersResult');

export const GroupMember = z
  .object({ type: z.enum(['patient', 'contact']), id: Id, name: z.string().nullable() })
  .openapi('GroupMember');
export const GroupMemberPage = pageOf(GroupMember).openapi('GroupMemberPage');

export const UpdateGroupChat = z
  .strictObject({
    directMessaging: z.boolean().nullable().optional(),
    communityChat: z.boolean().nullable().optional(),
    emailNotifications: z.boolean().nullable().optional(),
  })
  .refine((v) => v.directMessaging !== undefined || v.communityChat !== undefined || v.emailNotifications !== undefined, {
    message: 'Give at least one of directMessaging, communityChat, emailNotifications',
  })
  .openapi('UpdateGroupChat', { description: 'null removes the group\'s own value (members fall back to the practice default)' });

// ---- practice chat settings
export const ChatDefaultChange = z.object({
  directMessaging: z.boolean(),
  communityChat: z.boolean(),
  emailNotifications: z.boolean().optional(),
  applyTo: z.enum(['new', 'all']),
  at: Timestamp,
});
export const PracticeChat = z
  .object({
    directMessaging: z.boolean().openapi({ description: 'What a patient created now gets when neither they nor their groups say otherwise' }),
    communityChat: z.boolean(),
    emailNotifications: z.boolean().openapi({ description: 'Whether portal messages send a content-free "you have a new message" email (true when never set)' }),
    changes: z.array(ChatDefaultChange).openapi({ description: 'Changes since the last applyTo "all" one, oldest first: a patient gets the latest change made before they were created, or the latest "all" change' }),
    updatedAt: Timestamp.nullable(),
  })
  .openapi('PracticeChat');

export const UpdatePracticeChat = z
  .strictObject({
    directMessaging: z.boolean(),
    communityChat: z.boolean(),
    emailNotifications: z.boolean().optional().openapi({ description: 'Left out: the current default is kept' }),
    applyTo: z.enum(['new', 'all']).openapi({ description: '"new": patients created from now on; "all": every patient without a setting of their own' }),
  })
  .openapi('UpdatePracticeChat');
