/** Drafts: any subset of a message's fields; shapes are checked on save, the send rules on send. */
import { Id, PageQuery, Timestamp, pageOf } from './common.js';
import { Message, Started, StartConversation } from './conversations.js';
import * as z from './zod.js';

const ComposeChannel = z.enum(['portal', 'email', 'sms', 'whatsapp']);

/** Each field as the start and reply routes take it (participants: exactly what a start accepts). */
const draftFields = {
  conversationId: z.doc(Id, { description: 'Send as a reply to this conversation; without it the draft starts a new one' }),
  channel: ComposeChannel,
  subject: z.string().check(z.maxLength(300)),
  participants: StartConversation.shape.participants,
  body: z.doc(z.string().check(z.maxLength(50_000)), {
    description: "Up to 50,000 characters (an html draft's markup; a text body sends only up to 10,000); the length rules of the channel apply at send time",
  }),
  bodyFormat: z.doc(z.enum(['text', 'html']), { description: 'Stored as given; html is sanitised when the draft is sent' }),
  attachmentIds: z.array(Id).check(z.maxLength(100)),
};

export const CreateDraft = z.doc(
  z.strictObject({
    conversationId: z.optional(draftFields.conversationId),
    channel: z.optional(draftFields.channel),
    subject: z.optional(draftFields.subject),
    participants: z.optional(draftFields.participants),
    body: z.optional(draftFields.body),
    bodyFormat: z.optional(draftFields.bodyFormat),
    attachmentIds: z.optional(draftFields.attachmentIds),
  }),
  { id: 'CreateDraft', description: 'Any subset of the fields of a new conversation or a reply' },
);

export const UpdateDraft = z.doc(
  z.strictObject({
    conversationId: z.optional(z.nullable(draftFields.conversationId)),
    channel: z.optional(z.nullable(draftFields.channel)),
    subject: z.optional(z.nullable(draftFields.subject)),
    participants: z.optional(z.nullable(draftFields.participants)),
    body: z.optional(z.nullable(draftFields.body)),
    bodyFormat: z.optional(z.nullable(draftFields.bodyFormat)),
    attachmentIds: z.optional(z.nullable(draftFields.attachmentIds)),
  }),
  { id: 'UpdateDraft', description: 'Fields given replace the saved ones; null removes a field; absent fields are kept' },
);

export const Draft = z.doc(
  z.object({
    id: Id,
    conversationId: z.optional(Id),
    channel: z.optional(ComposeChannel),
    subject: z.optional(z.string()),
    participants: z.optional(
      z.array(z.union([z.object({ type: z.enum(['patient', 'staff']), id: Id }), z.object({ type: z.literal('role'), role: z.string() })])),
    ),
    body: z.optional(z.string()),
    bodyFormat: z.optional(z.enum(['text', 'html'])),
    attachmentIds: z.optional(z.array(Id)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
  { id: 'Draft', description: 'A draft of its author (staff or patient), seen by nobody else; absent fields were not saved' },
);

export const DraftPage = z.doc(pageOf(Draft), { id: 'DraftPage' });
export const DraftListQuery = z.strictObject({ ...PageQuery });

export const DraftSent = z.doc(z.union([Started, Message]), {
  id: 'DraftSent',
  description:
    'A draft without conversationId is sent as a new conversation (answered as POST /v1/conversations: conversation and message); one with conversationId as a reply (answered as POST /v1/conversations/{id}/messages: the message)',
});
