import { Id, Timestamp } from './common.js';
import * as z from './zod.js';

const count = () => z.number().int();

const Excluded = z
  .object({
    blocked: count().openapi({ description: 'Actively blocked addresses' }),
    chatDisabled: count().openapi({ description: 'Patients whose chat is disabled (their own setting, their groups\', or the practice default)' }),
    noAddress: count().openapi({ description: 'People the channel cannot reach (no email or phone on file)' }),
    optedOut: count().openapi({ description: 'Numbers that opted out (STOP): a suppression with reason opt_out (SMS and WhatsApp)' }),
    archived: count().openapi({ description: 'Archived contacts in the audience: left out, not sent to' }),
  })
  .openapi('BroadcastExcluded');

const Channel = z.enum(['portal', 'email', 'sms', 'whatsapp']);

const Audience = z
  .strictObject({
    patientIds: z.array(Id).max(10_000).optional(),
    contactIds: z.array(Id).max(10_000).optional(),
    groupIds: z.array(Id).max(100).optional().openapi({ description: 'Every member of each group (up to 100,000 people in all; each counted by the group\'s member count)' }),
  })
  .refine((a) => (a.patientIds?.length ?? 0) + (a.contactIds?.length ?? 0) + (a.groupIds?.length ?? 0) > 0, {
    message: 'Name at least one patient, contact or group',
  })
  .openapi('BroadcastAudience');

export const CreateBroadcast = z
  .strictObject({
    channel: Channel,
    subject: z.string().max(300).optional().openapi({ description: 'Required for portal and email' }),
    body: z.string().openapi({ description: '1-10,000 characters; at least 10 on portal and email' }),
    audience: Audience,
  })
  .openapi('CreateBroadcast');

const Status = z.enum(['preparing', 'sending', 'done']).openapi({
  description: '`preparing` while the audience is resolved in the background, `sending` until every delivery has settled, then `done`',
});

export const BroadcastAccepted = z.object({ id: Id, status: Status }).openapi('BroadcastAccepted');

export const Broadcast = z
  .object({
    id: Id,
    status: Status,
    channel: Channel,
    recipients: count().nullable().openapi({ description: 'null while preparing' }),
    excluded: Excluded.nullable().openapi({ description: 'null while preparing' }),
    counts: z.object({
      queued: count(),
      sent: count(),
      delivered: count(),
      failed: count(),
      blocked: count(),
      suppressed: count(),
    }),
    createdAt: Timestamp,
  })
  .openapi('Broadcast');

export const PreviewBroadcast = z.strictObject({ channel: Channel, audience: Audience }).openapi('PreviewBroadcast');

export const BroadcastPreview = z
  .object({
    recipients: count(),
    excluded: Excluded,
    unavailable: z
      .array(
        z.object({
          type: z.enum(['patient', 'contact']),
          id: Id,
          name: z.string(),
          reason: z.enum(['chat_disabled', 'blocked', 'no_address', 'opted_out', 'archived']),
        }),
      )
      .openapi({ description: 'Up to 100 of those left out, the first found (named people before group members); shown as "Chat is unavailable for <name>" when chat_disabled' }),
  })
  .openapi('BroadcastPreview');
