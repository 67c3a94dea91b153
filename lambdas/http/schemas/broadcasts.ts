import { Id, Timestamp } from './common.js';
import * as z from './zod.js';

const count = () => z.number().check(z.int());

const Excluded = z.doc(
  z.object({
    blocked: z.doc(count(), { description: 'Actively blocked addresses' }),
    chatDisabled: z.doc(count(), { description: "Patients whose chat is disabled (their own setting, their groups', or the practice default)" }),
    noAddress: z.doc(count(), { description: 'People the channel cannot reach (no email or phone on file)' }),
    optedOut: z.doc(count(), { description: 'Numbers that opted out (STOP): a suppression with reason opt_out (SMS and WhatsApp)' }),
    archived: z.doc(count(), { description: 'Archived contacts in the audience: left out, not sent to' }),
  }),
  { id: 'BroadcastExcluded' },
);

const Channel = z.enum(['portal', 'email', 'sms', 'whatsapp']);

const Audience = z.doc(
  z
    .strictObject({
      patientIds: z.optional(z.array(Id).check(z.maxLength(10_000))),
      contactIds: z.optional(z.array(Id).check(z.maxLength(10_000))),
      groupIds: z.doc(z.optional(z.array(Id).check(z.maxLength(100))), {
        description: "Every member of each group (up to 100,000 people in all; each counted by the group's member count)",
      }),
    })
    .check(
      z.refine((a) => (a.patientIds?.length ?? 0) + (a.contactIds?.length ?? 0) + (a.groupIds?.length ?? 0) > 0, {
        message: 'Name at least one patient, contact or group',
      }),
    ),
  { id: 'BroadcastAudience' },
);

export const CreateBroadcast = z.doc(
  z.strictObject({
    channel: Channel,
    subject: z.doc(z.optional(z.string().check(z.maxLength(300))), { description: 'Required for portal and email' }),
    body: z.doc(z.string(), { description: '1-10,000 characters; at least 10 on portal and email' }),
    audience: Audience,
  }),
  { id: 'CreateBroadcast' },
);

const Status = z.doc(z.enum(['preparing', 'sending', 'done']), {
  description: '`preparing` while the audience is resolved in the background, `sending` until every delivery has settled, then `done`',
});

export const BroadcastAccepted = z.doc(z.object({ id: Id, status: Status }), { id: 'BroadcastAccepted' });

export const Broadcast = z.doc(
  z.object({
    id: Id,
    status: Status,
    channel: Channel,
    recipients: z.doc(z.nullable(count()), { description: 'null while preparing' }),
    excluded: z.doc(z.nullable(Excluded), { description: 'null while preparing' }),
    counts: z.object({
      queued: count(),
      sent: count(),
      delivered: count(),
      failed: count(),
      blocked: count(),
      suppressed: count(),
    }),
    createdAt: Timestamp,
  }),
  { id: 'Broadcast' },
);

export const PreviewBroadcast = z.doc(z.strictObject({ channel: Channel, audience: Audience }), { id: 'PreviewBroadcast' });

export const BroadcastPreview = z.doc(
  z.object({
    recipients: count(),
    excluded: Excluded,
    unavailable: z.doc(
      z.array(
        z.object({
          type: z.enum(['patient', 'contact']),
          id: Id,
          name: z.string(),
          reason: z.enum(['chat_disabled', 'blocked', 'no_address', 'opted_out', 'archived']),
        }),
      ),
      {
        description:
          'Up to 100 of those left out, the first found (named people before group members); shown as "Chat is unavailable for <name>" when chat_disabled',
      },
    ),
  }),
  { id: 'BroadcastPreview' },
);
