/** Quarantined inbound messages and suppressed addresses. */
import { Id, PageQuery, Timestamp, pageOf } from './common.js';
import { DateOrTime } from './dates.js';
import * as z from './zod.js';

const InboundChannel = z.enum(['email', 'sms', 'whatsapp']);

export const ListQuarantineQuery = z.strictObject({
  ...PageQuery,
  blockId: Id.optional().openapi({ description: 'Only messages stopped by this block' }),
  from: DateOrTime.optional().openapi({ description: 'Received at or after (inclusive): ISO date or date-time with offset' }),
  to: DateOrTime.optional().openapi({ description: 'Received at or before (a date includes that whole day): ISO date or date-time with offset' }),
});

export const QuarantinedMessage = z
  .object({
    id: Id,
    blockId: Id,
    channel: InboundChannel,
    from: z.string().openapi({ description: 'The blocked sender address (email lower-case, phone E.164)' }),
    receivedAt: Timestamp,
    body: z.string(),
    attachments: z
      .array(z.object({ fileName: z.string(), contentType: z.string(), size: z.number().int().nullable() }))
      .openapi({ description: "What came with it, by name and type only: a blocked sender's files are never fetched or kept" }),
  })
  .openapi('QuarantinedMessage');

export const QuarantinePage = pageOf(QuarantinedMessage).openapi('QuarantinePage');

export const ListSuppressionsQuery = z.strictObject({
  ...PageQuery,
  channel: InboundChannel.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: 'Start of the address: an email, or a phone by its digits with the country code (+1 202 555 → 1202555)' }),
});

export const Suppression = z
  .object({
    id: Id,
    channel: InboundChannel.openapi({ description: 'The channel that reported it (a phone suppression holds for SMS and WhatsApp)' }),
    address: z.string(),
    reason: z.enum(['bounce', 'complaint', 'opt_out']),
    at: Timestamp,
  })
  .openapi('Suppression');

export const SuppressionPage = pageOf(Suppression).openapi('SuppressionPage');
