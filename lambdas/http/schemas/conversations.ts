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
export const BodyFormat = z.enum(['text', 'html']).openapi({
  description:
    'text (default), or html: sanitised against an allow-list (paragraphs, line breaks, bold, italic, underline, strike, lists, links with http, https or mailto, block quotes, headings, code); everything else is removed. The message then has html (the sanitised markup) and body (its text)',
});
const MessageBodyInput = z.string().openapi({
  description:
    'text: 1-10,000 characters; at least 10 on portal and email, not counting surrounding whitespace. html: at most 50,000 characters of markup whose text (after sanitising) follows the same rules; markup that sanitises to no text is refused',
});

/** A person, or a role standing for its active staff members ("all front office staff"). */
export const Participant = z
  .union([
    z.strictObject({ type: z.enum(['patient', 'staff']), id: Id }),
    z.strictObject({ type: z.literal('role'), role: z.enum(staffRoles) }),
  ])
  .openapi('Participant');

export const StartConversation = z
  .strictObject({
    kind: z.enum(['direct', 'community']).optional().openapi({ description: 'direct (default) or community (staff only)' }),
    channel: ComposeChannel,
    subject: z.string().max(300).optional().openapi({ description: 'Required for portal and email' }),
    participants: z.array(Participant).min(1).max(MAX_PARTICIPANTS).openapi({
      description: 'People, or roles (every active staff member with that role when the conversation starts); at most 500 people, you included',
    }),
    body: MessageBodyInput,
    bodyFormat: BodyFormat.optional(),
    attachmentIds: z.array(Id).max(MAX_ATTACHMENTS_PER_MESSAGE).optional().openapi({ description: 'Your own ready attachments (at most 100)' }),
  })
  .openapi('StartConversation');

export const Reply = z
  .strictObject({
    body: MessageBodyInput,
    bodyFormat: BodyFormat.optional(),
    attachmentIds: z.array(Id).max(MAX_ATTACHMENTS_PER_MESSAGE).optional().openapi({ description: 'Your own ready attachments (at most 100)' }),
  })
  .openapi('Reply');

export const PatchConversation = z
  .strictObject({ archived: z.boolean().optional(), starred: z.boolean().optional() })
  .openapi('PatchConversation');

export const BulkConversations = z
  .strictObject({
    ids: z.array(Id).min(1).max(100).openapi({ description: '1-100 conversation ids; each is changed on its own' }),
    action: z.enum(['archive', 'unarchive', 'read', 'unread', 'star', 'unstar']),
  })
  .openapi('BulkConversations');

export const BulkResults = z
  .object({
    results: z.array(
      z.object({
        id: Id,
        ok: z.boolean(),
        code: z.string().optional().openapi({ description: 'Why this one failed: not_found for a conversation the caller cannot see' }),
      }),
    ),
  })
  .openapi('BulkResults', { description: 'One result per id, in the order given' });

export const NoteInput = z.strictObject({ text: z.string().trim().min(1).max(5000) }).openapi('NoteInput');

export const CallLogInput = z
  .strictObject({
    patientId: Id,
    occurredAt: z.iso.datetime({ offset: true }).openapi({ description: 'When the call happened: at most 5 minutes in the future' }),
    durationSeconds: z.number().int().min(0).max(86_400),
    direction: z.enum(['inbound', 'outbound']),
    summary: z.string().trim().min(1).max(10_000),
  })
  .openapi('CallLogInput');

export const InboxQuery = z.strictObject({
  ...PageQuery,
  patientId: Id.optional(),
  status: z.enum(['unread', 'read', 'replied', 'archived']).optional(),
  channel: Channel.optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  starred: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: 'Subject and participant names (case-insensitive); without status it finds archived conversations too' }),
  includeHidden: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ description: 'Admins only: include conversations hidden by a block with hideExisting' }),
});

export const CorrespondenceQuery = z.strictObject({
  ...PageQuery,
  includeHidden: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ description: 'Admins only: include messages hidden by a block with hideExisting' }),
});

export const PageOnlyQuery = z.strictObject({ ...PageQuery });

const Delivery = z.object({
  recipient: PartyRef,
  channel: Channel,
  address: z.string().nullable(),
  status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'bounced', 'blocked', 'suppressed']),
  purpose: z.enum(['message', 'notification']).openapi({ description: 'notification: the no-content "you have a new message" email of a portal message' }),
  error: z.string().optional(),
});

const Warning = z.object({ code: z.literal('recipient_blocked'), recipient: PartyRef, channel: Channel, address: z.string() });

export const Message = z
  .object({
    id: Id,
    conversationId: Id,
    channel: Channel,
    direction: z.enum(['inbound', 'outbound', 'internal']),
    author: PartyRef,
    body: z.string().openapi({ description: 'The text; for an html message, the text of its html' }),
    bodyFormat: z.enum(['text', 'html']),
    html: z.string().optional().openapi({ description: 'html messages only: the sanitised markup' }),
    attachments: z.array(MessageAttachment),
    createdAt: Timestamp,
    deliveries: z.array(Delivery),
    call: z.object({ occurredAt: Timestamp, durationSeconds: z.number() }).optional(),
    warnings: z.array(Warning).optional(),
  })
  .openapi('Message');

export const Conversation = z
  .object({
    id: Id,
    kind: z.enum(['direct', 'community', 'broadcast', 'call_log']),
    channel: Channel,
    subject: z.string().nullable(),
    participants: z.array(z.object({ type: z.enum(['patient', 'staff', 'contact']), id: Id, name: z.string() })),
    createdBy: PartyRef,
    createdAt: Timestamp,
    lastMessageAt: Timestamp,
    lastDirection: z.enum(['inbound', 'outbound', 'internal']),
    status: z.enum(['unread', 'read', 'replied', 'archived']).openapi({ description: "The caller's own status" }),
    starred: z.boolean().openapi({ description: "The caller's own star" }),
    replyPolicy: z
      .object({ canReply: z.boolean(), reason: z.string().optional().openapi({ description: 'The error code a reply would get' }) })
      .optional()
      .openapi({ description: 'Present on single-conversation answers' }),
  })
  .openapi('Conversation');

export const Started = z
  .object({ conversation: Conversation, message: Message, warnings: z.array(Warning).optional() })
  .openapi('StartedConversation');

export const Note = z
  .object({ id: Id, patientId: Id, conversationId: Id, text: z.string(), author: PartyRef, createdAt: Timestamp })
  .openapi('Note');

export const ConversationPage = pageOf(Conversation).openapi('ConversationPage');
export const MessagePage = pageOf(Message).openapi('MessagePage');
export const NotePage = pageOf(Note).openapi('NotePage');
export const Correspondence = z
  .object({ items: z.array(Message), nextCursor: z.string().nullable(), blockedContacts: z.array(BlockedContact) })
  .openapi('Correspondence');
