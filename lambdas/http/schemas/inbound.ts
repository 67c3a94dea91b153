/** Quarantined inbound messages and suppressed addresses. */
import { Id, PageQuery, Timestamp, pageOf } from './common.js';
import { DateOrTime } from './dates.js';
import * as z from './zod.js';

const InboundChannel = z.enum(['email', 'sms', 'whatsapp']);

export const ListQuarantineQuery = z.strictObject({
  ...PageQuery,
  blockId: z.doc(z.optional(Id), { description: 'Only messages stopped by this block' }),
  from: z.doc(z.optional(DateOrTime), { description: 'Received at or after (inclusive): ISO date or date-time with offset' }),
  to: z.doc(z.optional(DateOrTime), { description: 'Received at or before (a date includes that whole day): ISO date or date-time with offset' }),
});

export const QuarantinedMessage = z.doc(
  z.object({
    id: Id,
    blockId: Id,
    channel: InboundChannel,
    from: z.doc(z.string(), { description: 'The blocked sender address (email lower-case, phone E.164)' }),
    receivedAt: Timestamp,
    body: z.string(),
    attachments: z.doc(z.array(z.object({ fileName: z.string(), contentType: z.string(), size: z.nullable(z.number().check(z.int())) })), {
      description: "What came with it, by name and type only: a blocked sender's files are never fetched or kept",
    }),
  }),
  { id: 'QuarantinedMessage' },
);

export const QuarantinePage = z.doc(pageOf(QuarantinedMessage), { id: 'QuarantinePage' });

export const ListSuppressionsQuery = z.strictObject({
  ...PageQuery,
  channel: z.optional(InboundChannel),
  q: z.doc(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), {
    description: 'Start of the address: an email, or a phone by its digits with the country code (+1 202 555 → 1202555)',
  }),
});

export const Suppression = z.doc(
  z.object({
    id: Id,
    channel: z.doc(InboundChannel, { description: 'The channel that reported it (a phone suppression holds for SMS and WhatsApp)' }),
    address: z.string(),
    reason: z.enum(['bounce', 'complaint', 'opt_out']),
    at: Timestamp,
  }),
  { id: 'Suppression' },
);

export const SuppressionPage = z.doc(pageOf(Suppression), { id: 'SuppressionPage' });
