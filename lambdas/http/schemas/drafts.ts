/** Drafts: any subset of a message's fields; shapes are checked on save, the send rules on send. */
import { Id, PageQuery, Timestamp, pageOf } from './common.js';
import { Message, Started, StartConversation } from './conversations.js';
import * as z from './zod.js';

const ComposeChannel = z.enum(['portal', 'email', 'sms', 'whatsapp']);

/** Each field as the start and reply routes take it (participants: exactly what a start accepts). */
const draftFields = {
  conversationId: Id.openapi({ description: 'Send as a reply to this conversation; without it the draft starts a new one' }),
  channel: ComposeChannel,
  subject: z.string().max(300),
  participants: StartConversation.shape.participants,
  body: z
    .string()
    .max(50_000) // MAX_HTML_INPUT of domain/rich-text.ts (not imported: it brings sanitize-html to every function)
    .openapi({ description: 'Up to 50,000 characters (an html draft\'s markup; a text body sends only up to 10,000); the length rules of the channel apply at send time' }),
  bodyFormat: z.enum(['text', 'html']).openapi({ description: 'Stored as given; html is sanitised when the draft is sent' }),
  attachmentIds: z.array(Id).max(100),
};

export const CreateDraft = z
  .strictObject({
    conversationId: draftFields.conversationId.optional(),
    channel: draftFields.channel.optional(),
    subject: draftFields.subject.optional(),
    participants: draftFields.participants.optional(),
    body: draftFields.body.optional(),
    bodyFormat: draftFields.bodyFormat.optional(),
    attachmentIds: draftFields.attachmentIds.optional(),
  })
  .openapi('CreateDraft', { description: 'Any subset of the fields of a new conversation or a reply' });

export const UpdateDraft = z
  .strictObject({
    conversationId: draftFields.conversationId.nullable().optional(),
    channel: draftFields.channel.nullable().optional(),
    subject: draftFields.subject.nullable().optional(),
    participants: draftFields.participants.nullable().optional(),
    body: draftFields.body.nullable().optional(),
    bodyFormat: draftFields.bodyFormat.nullable().optional(),
    attachmentIds: draftFields.attachmentIds.nullable().optional(),
  })
  .openapi('UpdateDraft', { description: 'Fields given replace the saved ones; null removes a field; absent fields are kept' });

export const Draft = z
  .object({
    id: Id,
    conversationId: Id.optional(),
    channel: ComposeChannel.optional(),
    subject: z.string().optional(),
    participants: z
      .array(z.union([z.object({ type: z.enum(['patient', 'staff']), id: Id }), z.object({ type: z.literal('role'), role: z.string() })]))
      .optional(),
    body: z.string().optional(),
    bodyFormat: z.enum(['text', 'html']).optional(),
    attachmentIds: z.array(Id).optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Draft', { description: 'A draft of its author (staff or patient), seen by nobody else; absent fields were not saved' });

export const DraftPage = pageOf(Draft).openapi('DraftPage');
export const DraftListQuery = z.strictObject({ ...PageQuery });

export const DraftSent = z
  .union([Started, Message])
  .openapi('DraftSent', {
    description: 'A draft without conversationId is sent as a new conversation (answered as POST /v1/conversations: conversation and message); one with conversationId as a reply (answered as POST /v1/conversations/{id}/messages: the message)',
  });
