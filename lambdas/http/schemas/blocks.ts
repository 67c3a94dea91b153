import { Id, PageQuery, Timestamp, pageOf } from './common.js';
import { CalendarDay, DateOrTime } from './dates.js';
import * as z from './zod.js';

const AddressType = z.enum(['email', 'phone']);
const Reason = z.string().trim().min(1).max(500);
const Person = z.object({ id: Id, name: z.string().nullable() });

export const CreateBlock = z
  .strictObject({
    type: AddressType,
    value: z.string().min(1).max(254).openapi({ description: "An email, or a phone in any spelling (read with the practice's defaultRegion)" }),
    reason: Reason.optional(),
    hideExisting: z.boolean().optional(),
    patientId: Id.optional(),
  })
  .openapi('CreateBlock');

export const UpdateBlock = z.strictObject({ reason: Reason.optional(), hideExisting: z.boolean().optional() }).openapi('UpdateBlock');

export const BlockFromConversations = z
  .strictObject({
    conversationIds: z.array(Id).min(1).max(50),
    reason: Reason.optional(),
    hideExisting: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .openapi('BlockFromConversations');

export const BlockPatientMethods = z
  .strictObject({
    contactMethods: z.array(z.enum(['email', 'phone', 'whatsapp'])).min(1).max(3),
    reason: Reason.optional(),
    hideExisting: z.boolean().optional(),
  })
  .openapi('BlockPatientMethods');

export const ListBlocksQuery = z.strictObject({
  ...PageQuery,
  type: AddressType.optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Part of the blocked address (a phone as people type it: (202) 555-1003, +1 202 555 1003), or of the linked patient's or contact's name; read as GET /v1/contacts?q= reads it" }),
  patientId: Id.optional(),
  contactId: Id.optional(),
  blockedFrom: DateOrTime.optional().openapi({ description: 'Blocked at or after (inclusive): ISO date or date-time with offset' }),
  blockedTo: DateOrTime.optional().openapi({ description: 'Blocked at or before (a date includes that whole day): ISO date or date-time with offset' }),
});

export const StatsQuery = z.strictObject({
  from: CalendarDay.optional().openapi({ description: 'Default: 29 days before `to`' }),
  to: CalendarDay.optional().openapi({ description: "Default: today in the practice's time zone" }),
});

export const Block = z
  .object({
    id: Id,
    type: AddressType,
    value: z.string(),
    reason: z.string().nullable(),
    hideExisting: z.boolean(),
    patient: Person.optional(),
    contact: Person.optional(),
    blockedBy: Person,
    blockedAt: Timestamp,
    updatedAt: Timestamp,
    status: z.enum(['active', 'unblocked']),
    unblockedAt: Timestamp.optional(),
    unblockedBy: Person.optional(),
  })
  .openapi('Block');

export const BlockPage = pageOf(Block).openapi('BlockPage');

export const BlockEvent = z
  .object({
    id: Id,
    action: z.enum(['blocked', 'updated', 'unblocked']),
    by: Person,
    at: Timestamp,
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  })
  .openapi('BlockEvent');
export const BlockHistory = pageOf(BlockEvent).openapi('BlockHistory');

export const BlockOutcomes = z
  .object({
    blocks: z.array(Block),
    alreadyBlocked: z.array(z.object({ type: AddressType, value: z.string(), existingBlockId: Id })),
  })
  .openapi('BlockOutcomes');

export const FromConversationsResult = z
  .object({
    dryRun: z.boolean(),
    items: z.array(
      z.object({
        conversationId: Id,
        type: AddressType,
        value: z.string(),
        patient: Person.nullable(),
        status: z.enum(['would_block', 'blocked', 'already_blocked']),
        blockId: Id.nullable(),
      }),
    ),
  })
  .openapi('BlockFromConversationsResult');

export const BlockStats = z
  .object({
    from: z.string(),
    to: z.string(),
    blocked: z
      .array(z.object({ date: z.string(), count: z.number().int() }))
      .openapi({ description: "Blocks per day with any; days (and from, to) are the practice's, in its settings' timeZone" }),
    totalBlocked: z.number().int(),
    unblocked: z.number().int(),
    unblockRate: z.number().openapi({ description: 'unblocked / blocked within the range (0 when none blocked)' }),
    quarantined: z.number().int().openapi({ description: 'Inbound messages from blocked addresses kept in quarantine' }),
  })
  .openapi('BlockStats');
