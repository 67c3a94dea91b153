import { EmailField, Id, PageQuery, PhoneField, Timestamp, pageOf } from './common.js';
import { DateOrTime } from './dates.js';
import * as z from './zod.js';

const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const Category = z.doc(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)), {
  description: 'Free text, e.g. "lead" or "vendor"; filters match it case-insensitively',
});
const Reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(500));
const ContactStatus = z.enum(['active', 'archived', 'blocked']);

// ---- contacts
export const Contact = z.doc(
  z.object({
    id: Id,
    name: z.string(),
    email: z.nullable(z.string()),
    primaryPhone: z.doc(z.nullable(z.string()), { description: 'E.164' }),
    secondaryPhone: z.doc(z.nullable(z.string()), { description: 'E.164' }),
    category: z.nullable(z.string()),
    groupIds: z.array(Id),
    status: ContactStatus,
    blockReason: z.nullable(z.string()),
    blockedAt: z.nullable(Timestamp),
    blockIds: z.doc(z.array(Id), {
      description: "Active blocks of the contact's addresses (GET /v1/blocks/{id}); an address that was already blocked keeps its existing block",
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
  { id: 'Contact' },
);

export const CreateContact = z.doc(
  z.strictObject({
    name: Name,
    email: z.optional(EmailField),
    primaryPhone: z.optional(PhoneField),
    secondaryPhone: z.optional(PhoneField),
    category: z.optional(Category),
    groupIds: z.doc(z.optional(z.array(Id).check(z.maxLength(20))), { description: 'Existing groups (404 for an unknown one)' }),
    status: z.doc(z.optional(ContactStatus), { description: 'Default active. "blocked" blocks every address of the contact at once' }),
    blockReason: z.doc(z.optional(Reason), { description: 'Only with status "blocked"; becomes the reason of each block' }),
  }),
  { id: 'CreateContact' },
);

export const UpdateContact = z.doc(
  z.strictObject({
    name: z.optional(Name),
    email: z.optional(z.nullable(EmailField)),
    primaryPhone: z.optional(z.nullable(PhoneField)),
    secondaryPhone: z.optional(z.nullable(PhoneField)),
    category: z.optional(z.nullable(Category)),
    status: z.doc(z.optional(z.enum(['active', 'archived'])), {
      description: 'Not for a blocked contact (409 contact_blocked): block and unblock have their own routes',
    }),
  }),
  { id: 'UpdateContact' },
);

export const ListContactsQuery = z.strictObject({
  ...PageQuery,
  status: z.optional(ContactStatus),
  q: z.doc(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), { description: 'Prefix of a name word, the email, or phone digits' }),
  category: z.optional(Category),
  groupId: z.optional(Id),
  blockedFrom: z.doc(z.optional(DateOrTime), { description: 'Blocked at or after (inclusive); selects blocked contacts' }),
  blockedTo: z.doc(z.optional(DateOrTime), { description: 'Blocked at or before (a date includes that whole day); selects blocked contacts' }),
});
export const ContactPage = z.doc(pageOf(Contact), { id: 'ContactPage' });

export const BlockContacts = z.doc(z.strictObject({ contactIds: z.array(Id).check(z.minLength(1), z.maxLength(100)), reason: z.optional(Reason) }), {
  id: 'BlockContacts',
});

export const BlockContactsResult = z.doc(
  z.object({
    items: z.array(
      z.object({
        contactId: Id,
        status: z.enum(['blocked', 'already_blocked', 'not_found']),
        blockIds: z.array(Id),
      }),
    ),
  }),
  { id: 'BlockContactsResult' },
);

const Person = z.object({ id: Id, name: z.nullable(z.string()) });
const ContactBlockEvent = z.doc(
  z.object({
    kind: z.literal('block_event'),
    blockId: Id,
    action: z.enum(['blocked', 'updated', 'unblocked']),
    by: Person,
    at: Timestamp,
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  }),
  { id: 'ContactBlockEvent', description: "An event of a block of the contact's addresses" },
);
const ContactMessage = z.doc(
  z.object({
    kind: z.literal('message'),
    messageId: Id,
    conversationId: Id,
    channel: z.enum(['portal', 'email', 'sms', 'whatsapp', 'call']),
    direction: z.enum(['inbound', 'outbound', 'internal']),
    body: z.string(),
    at: z.doc(Timestamp, { description: 'When the message was sent' }),
  }),
  { id: 'ContactMessage', description: 'A message sent to the contact (a broadcast, say)' },
);
export const ContactHistoryItem = z.doc(z.discriminatedUnion('kind', [ContactMessage, ContactBlockEvent]), {
  id: 'ContactHistoryItem',
  description: 'A message (kind "message") or a block event (kind "block_event")',
});
export const ContactHistory = z.doc(pageOf(ContactHistoryItem), { id: 'ContactHistory' });

// ---- groups
const PartialChat = z.object({ directMessaging: z.optional(z.boolean()), communityChat: z.optional(z.boolean()), emailNotifications: z.optional(z.boolean()) });

export const Group = z.doc(
  z.object({
    id: Id,
    name: z.string(),
    chat: z.doc(z.nullable(PartialChat), { description: "The group's own chat settings for its members; null when none" }),
    memberCount: z.number().check(z.int()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
  { id: 'Group' },
);
export const GroupPage = z.doc(pageOf(Group), { id: 'GroupPage' });

export const CreateGroup = z.doc(z.strictObject({ name: Name }), { id: 'CreateGroup' });

export const AddMembers = z.doc(
  z.strictObject({
    patientIds: z.optional(z.array(Id).check(z.maxLength(100))),
    contactIds: z.optional(z.array(Id).check(z.maxLength(100))),
  }),
  { id: 'AddMembers' },
);
export const AddMembersResult = z.doc(
  z.object({ added: z.doc(z.number().check(z.int()), { description: 'Members that were not in the group yet' }), group: Group }),
  { id: 'AddMembersResult' },
);

export const GroupMember = z.doc(z.object({ type: z.enum(['patient', 'contact']), id: Id, name: z.nullable(z.string()) }), { id: 'GroupMember' });
export const GroupMemberPage = z.doc(pageOf(GroupMember), { id: 'GroupMemberPage' });

export const UpdateGroupChat = z.doc(
  z
    .strictObject({
      directMessaging: z.optional(z.nullable(z.boolean())),
      communityChat: z.optional(z.nullable(z.boolean())),
      emailNotifications: z.optional(z.nullable(z.boolean())),
    })
    .check(
      z.refine((v) => v.directMessaging !== undefined || v.communityChat !== undefined || v.emailNotifications !== undefined, {
        message: 'Give at least one of directMessaging, communityChat, emailNotifications',
      }),
    ),
  { id: 'UpdateGroupChat', description: "null removes the group's own value (members fall back to the practice default)" },
);

// ---- practice chat settings
export const ChatDefaultChange = z.object({
  directMessaging: z.boolean(),
  communityChat: z.boolean(),
  emailNotifications: z.optional(z.boolean()),
  applyTo: z.enum(['new', 'all']),
  at: Timestamp,
});
export const PracticeChat = z.doc(
  z.object({
    directMessaging: z.doc(z.boolean(), { description: 'What a patient created now gets when neither they nor their groups say otherwise' }),
    communityChat: z.boolean(),
    emailNotifications: z.doc(z.boolean(), { description: 'Whether portal messages send a content-free "you have a new message" email (true when never set)' }),
    changes: z.doc(z.array(ChatDefaultChange), {
      description:
        'Changes since the last applyTo "all" one, oldest first: a patient gets the latest change made before they were created, or the latest "all" change',
    }),
    updatedAt: z.nullable(Timestamp),
  }),
  { id: 'PracticeChat' },
);

export const UpdatePracticeChat = z.doc(
  z.strictObject({
    directMessaging: z.boolean(),
    communityChat: z.boolean(),
    emailNotifications: z.doc(z.optional(z.boolean()), { description: 'Left out: the current default is kept' }),
    applyTo: z.doc(z.enum(['new', 'all']), { description: '"new": patients created from now on; "all": every patient without a setting of their own' }),
  }),
  { id: 'UpdatePracticeChat' },
);
