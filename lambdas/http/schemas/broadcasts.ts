import { Id, Timestamp } from './common.js';
import { z } from './zod.js';

const Excluded = z.object({
  blocked: z.number().int(),
  chatDisabled: z.number().int(),
  noAddress: z.number().int().openapi({ description: 'Recipients the channel cannot reach (no email or phone on file)' }),
  archived: z.number().int().openapi({ description: 'Archived contacts in the audience: left out, not sent to' }),
});

export const CreateBroadcast = z
  .strictObject({
    channel: z.enum(['portal', 'email', 'sms', 'whatsapp']),
    subject: z.string().max(300).optional().openapi({ description: 'Required for portal and email' }),
    body: z.string().openapi({ description: '1-10,000 characters; at least 10 on portal and email' }),
    audience: z
      .strictObject({
        patientIds: z.array(Id).max(10_000).optional(),
        contactIds: z.array(Id).max(10_000).optional(),
        groupIds: z.array(Id).max(100).optional(),
      })
      .refine((a) => (a.patientIds?.length ?? 0) + (a.contactIds?.length ?? 0) + (a.groupIds?.length ?? 0) > 0, {
        message: 'Name at least one patient, contact or group',
      }),
  })
  .openapi('CreateBroadcast');

export const BroadcastAccepted = z
  .object({ id: Id, recipients: z.number().int(), excluded: Excluded })
  .openapi('BroadcastAccepted');

export const Broadcast = z
  .object({
    id: Id,
    status: z.enum(['queued', 'sending', 'done']),
    channel: z.enum(['portal', 'email', 'sms', 'whatsapp']),
    recipients: z.number().int(),
    excluded: Excluded,
    counts: z.object({
      queued: z.number().int(),
      sent: z.number().int(),
      delivered: z.number().int(),
      failed: z.number().int(),
      blocked: z.number().int(),
      suppressed: z.number().int(),
    }),
    createdAt: Timestamp,
  })
  .openapi('Broadcast');
