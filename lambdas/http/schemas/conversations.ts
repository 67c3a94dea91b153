import { staffRoles } from '../../domain/caller.js';
import { MAX_PARTICIPANTS, channels } from '../../domain/conversation-policy.js';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../../domain/attachment-rules.js';
import { MessageAttachment } from './attachments.js';
import { BlockedContact } from './directory.js';
import { Id, PageQuery, Timestamp, pageOf } from './common.js';
import * as z from './zod.js';

const ComposeChannel = z.enum(['portal', 'email', 'sms', 'whatsapp']);
const Channel = z.enum(channels);
const PartyRef = z.object({ type: z.enum(['patient', 'staff', 'contact']), id: Id });

/** API.md, Rich text: html bodies are sanitised against the allow-list (lambdas/domain/rich-text.ts). */
export const BodyFormat = z.doc(z.enum(['text', 'html']), {
  description:
    'text (default), or html: sanitised against an allow-list (paragraphs, line breaks, bold, italic, underline, strike, lists, links with http, https or mailto, block quotes, headings, code); everything else is removed. The message then has html (the sanitised markup) and body (its text)',
});
const MessageBodyInput = z.doc(z.string(), {
  description:
    'text: 1-10,000 characters; at least 10 on portal and email, not counting surrounding whitespace. html: at most 50,000 characters of markup whose text (after sanitising) follows the same rules; markup that sanitises to no text is refused',
});

/** A person, or a role standing for its active staff members ("all front office staff"). */
export const Participant = z.doc(
  z.union([z.strictObject({ type: z.enum(['patient', 'staff']), id: Id }), z.strictObject({ type: z.literal('role'), role: z.enum(staffRoles) })]),
  { id: 'Participant' },
);

export const StartConversation = z.doc(
  z.strictObject({
    kind: z.doc(z.optional(z.enum(['direct', 'community'])), { description: 'direct (default) or community (staff only)' }),
    channel: ComposeChannel,
    subject: z.doc(z.optional(z.string().check(z.maxLength(300))), { description: 'Required for portal and email' }),
    participants: z.doc(z.array(Participant).check(z.minLength(1), z.maxLength(MAX_PARTICIPANTS)), {
      description: 'People, or roles (every active staff member with that role when the conversation starts); at most 500 people, you included',
    }),
    body: MessageBodyInput,
    bodyFormat: z.optional(BodyFormat),
    attachmentIds: z.doc(z.optional(z.array(Id).check(z.maxLength(MAX_ATTACHMENTS_PER_MESSAGE))), { description: 'Your own ready attachments (at most 100)' }),
  }),
  { id: 'StartConversation' },
);

export const Reply = z.doc(
  z.strictObject({
    body: MessageBodyInput,
    bodyFormat: z.optional(BodyFormat),
    attachmentIds: z.doc(z.optional(z.array(Id).check(z.maxLength(MAX_ATTACHMENTS_PER_MESSAGE))), { description: 'Your own ready attachments (at most 100)' }),
  }),
  { id: 'Reply' },
);

export const PatchConversation = z.doc(z.strictObject({ archived: z.optional(z.boolean()), starred: z.optional(z.boolean()) }), { id: 'PatchConversation' });

export const BulkConversations = z.doc(
  z.strictObject({
    ids: z.doc(z.array(Id).check(z.minLength(1), z.maxLength(100)), { description: '1-100 conversation ids; each is changed on its own' }),
    action: z.enum(['archive', 'unarchive', 'read', 'unread', 'star', 'unstar']),
  }),
  { id: 'BulkConversations' },
);

export const BulkResults = z.doc(
  z.object({
    results: z.array(
      z.object({
        id: Id,
        ok: z.boolean(),
        code: z.doc(z.optional(z.string()), { description: 'Why this one failed: not_found for a conversation the caller cannot see' }),
      }),
    ),
  }),
  { id: 'BulkResults', description: 'One result per id, in the order given' },
);

export const NoteInput = z.doc(z.strictObject({ text: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)) }), { id: 'NoteInput' });

export const CallLogInput = z.doc(
  z.strictObject({
    patientId: Id,
    occurredAt: z.doc(z.iso.datetime({ offset: true }), { description: 'When the call happened: at most 5 minutes in the future' }),
    durationSeconds: z.number().check(z.int(), z.gte(0), z.lte(86_400)),
    direction: z.enum(['inbound', 'outbound']),
    summary: z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000)),
  }),
  { id: 'CallLogInput' },
);

/** A yes/no query parameter: `true` or `false`, read as a boolean. */
const queryFlag = () =>
  z.optional(
    z.pipe(
      z.enum(['true', 'false']),
      z.transform((v) => v === 'true'),
    ),
  );

export const InboxQuery = z.strictObject({
  ...PageQuery,
  patientId: z.optional(Id),
  status: z.optional(z.enum(['unread', 'read', 'replied', 'archived'])),
  channel: z.optional(Channel),
  direction: z.optional(z.enum(['inbound', 'outbound'])),
  starred: queryFlag(),
  q: z.doc(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), {
    description: 'Subject and participant names (case-insensitive); without status it finds archived conversations too',
  }),
  includeHidden: z.doc(queryFlag(), { description: 'Admins only: include conversations hidden by a block with hideExisting' }),
});

export const CorrespondenceQuery = z.strictObject({
  ...PageQuery,
  includeHidden: z.doc(queryFlag(), { description: 'Admins only: include messages hidden by a block with hideExisting' }),
});

export const PageOnlyQuery = z.strictObject({ ...PageQuery });

const Delivery = z.object({
  recipient: PartyRef,
  channel: Channel,
  address: z.nullable(z.string()),
  status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'bounced', 'blocked', 'suppressed']),
  purpose: z.doc(z.enum(['message', 'notification']), { description: 'notification: the no-content "you have a new message" email of a portal message' }),
  error: z.optional(z.string()),
});

const Warning = z.object({ code: z.literal('recipient_blocked'), recipient: PartyRef, channel: Channel, address: z.string() });

export const Message = z.doc(
  z.object({
    id: Id,
    conversationId: Id,
    channel: Channel,
    direction: z.enum(['inbound', 'outbound', 'internal']),
    author: PartyRef,
    body: z.doc(z.string(), { description: 'The text; for an html message, the text of its html' }),
    bodyFormat: z.enum(['text', 'html']),
    html: z.doc(z.optional(z.string()), { description: 'html messages only: the sanitised markup' }),
    attachments: z.array(MessageAttachment),
    createdAt: Timestamp,
    deliveries: z.array(Delivery),
    call: z.optional(z.object({ occurredAt: Timestamp, durationSeconds: z.number() })),
    warnings: z.optional(z.array(Warning)),
  }),
  { id: 'Message' },
);

export const Conversation = z.doc(
  z.object({
    id: Id,
    kind: z.enum(['direct', 'community', 'broadcast', 'call_log']),
    channel: Channel,
    subject: z.nullable(z.string()),
    participants: z.array(z.object({ type: z.enum(['patient', 'staff', 'contact']), id: Id, name: z.string() })),
    createdBy: PartyRef,
    createdAt: Timestamp,
    lastMessageAt: Timestamp,
    lastDirection: z.enum(['inbound', 'outbound', 'internal']),
    status: z.doc(z.enum(['unread', 'read', 'replied', 'archived']), { description: "The caller's own status" }),
    starred: z.doc(z.boolean(), { description: "The caller's own star" }),
    replyPolicy: z.doc(
      z.optional(z.object({ canReply: z.boolean(), reason: z.doc(z.optional(z.string()), { description: 'The error code a reply would get' }) })),
      { description: 'Present on single-conversation answers' },
    ),
  }),
  { id: 'Conversation' },
);

export const Started = z.doc(z.object({ conversation: Conversation, message: Message, warnings: z.optional(z.array(Warning)) }), { id: 'StartedConversation' });

export const Note = z.doc(z.object({ id: Id, patientId: Id, conversationId: Id, text: z.string(), author: PartyRef, createdAt: Timestamp }), { id: 'Note' });

export const ConversationPage = z.doc(pageOf(Conversation), { id: 'ConversationPage' });
export const MessagePage = z.doc(pageOf(Message), { id: 'MessagePage' });
export const NotePage = z.doc(pageOf(Note), { id: 'NotePage' });
export const Correspondence = z.doc(z.object({ items: z.array(Message), nextCursor: z.nullable(z.string()), blockedContacts: z.array(BlockedContact) }), {
  id: 'Correspondence',
});
