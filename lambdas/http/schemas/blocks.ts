import { Id, PageQuery, Timestamp, pageOf } from './common.js';
import { CalendarDay, DateOrTime } from './dates.js';
import * as z from './zod.js';

const AddressType = z.enum(['email', 'phone']);
const Reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(500));
const Person = z.object({ id: Id, name: z.nullable(z.string()) });

export const CreateBlock = z.doc(
  z.strictObject({
    type: AddressType,
    value: z.doc(z.string().check(z.minLength(1), z.maxLength(254)), {
      description: "An email, or a phone in any spelling (read with the practice's defaultRegion)",
    }),
    reason: z.optional(Reason),
    hideExisting: z.optional(z.boolean()),
    patientId: z.optional(Id),
  }),
  { id: 'CreateBlock' },
);

export const UpdateBlock = z.doc(z.strictObject({ reason: z.optional(Reason), hideExisting: z.optional(z.boolean()) }), { id: 'UpdateBlock' });

export const BlockFromConversations = z.doc(
  z.strictObject({
    conversationIds: z.array(Id).check(z.minLength(1), z.maxLength(50)),
    reason: z.optional(Reason),
    hideExisting: z.optional(z.boolean()),
    dryRun: z.optional(z.boolean()),
  }),
  { id: 'BlockFromConversations' },
);

export const BlockPatientMethods = z.doc(
  z.strictObject({
    contactMethods: z.array(z.enum(['email', 'phone', 'whatsapp'])).check(z.minLength(1), z.maxLength(3)),
    reason: z.optional(Reason),
    hideExisting: z.optional(z.boolean()),
  }),
  { id: 'BlockPatientMethods' },
);

export const ListBlocksQuery = z.strictObject({
  ...PageQuery,
  type: z.optional(AddressType),
  q: z.doc(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), {
    description:
      "Part of the blocked address (a phone as people type it: (202) 555-1003, +1 202 555 1003), or of the linked patient's or contact's name; read as GET /v1/contacts?q= reads it",
  }),
  patientId: z.optional(Id),
  contactId: z.optional(Id),
  blockedFrom: z.doc(z.optional(DateOrTime), { description: 'Blocked at or after (inclusive): ISO date or date-time with offset' }),
  blockedTo: z.doc(z.optional(DateOrTime), { description: 'Blocked at or before (a date includes that whole day): ISO date or date-time with offset' }),
});

export const StatsQuery = z.strictObject({
  from: z.doc(z.optional(CalendarDay), { description: 'Default: 29 days before `to`' }),
  to: z.doc(z.optional(CalendarDay), { description: "Default: today in the practice's time zone" }),
});

export const Block = z.doc(
  z.object({
    id: Id,
    type: AddressType,
    value: z.string(),
    reason: z.nullable(z.string()),
    hideExisting: z.boolean(),
    patient: z.optional(Person),
    contact: z.optional(Person),
    blockedBy: Person,
    blockedAt: Timestamp,
    updatedAt: Timestamp,
    status: z.enum(['active', 'unblocked']),
    unblockedAt: z.optional(Timestamp),
    unblockedBy: z.optional(Person),
  }),
  { id: 'Block' },
);

export const BlockPage = z.doc(pageOf(Block), { id: 'BlockPage' });

export const BlockEvent = z.doc(
  z.object({
    id: Id,
    action: z.enum(['blocked', 'updated', 'unblocked']),
    by: Person,
    at: Timestamp,
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  }),
  { id: 'BlockEvent' },
);
export const BlockHistory = z.doc(pageOf(BlockEvent), { id: 'BlockHistory' });

export const BlockOutcomes = z.doc(
  z.object({
    blocks: z.array(Block),
    alreadyBlocked: z.array(z.object({ type: AddressType, value: z.string(), existingBlockId: Id })),
  }),
  { id: 'BlockOutcomes' },
);

export const FromConversationsResult = z.doc(
  z.object({
    dryRun: z.boolean(),
    items: z.array(
      z.object({
        conversationId: Id,
        type: AddressType,
        value: z.string(),
        patient: z.nullable(Person),
        status: z.enum(['would_block', 'blocked', 'already_blocked']),
        blockId: z.nullable(Id),
      }),
    ),
  }),
  { id: 'BlockFromConversationsResult' },
);

export const BlockStats = z.doc(
  z.object({
    from: z.string(),
    to: z.string(),
    blocked: z.doc(z.array(z.object({ date: z.string(), count: z.number().check(z.int()) })), {
      description: "Blocks per day with any; days (and from, to) are the practice's, in its settings' timeZone",
    }),
    totalBlocked: z.number().check(z.int()),
    unblocked: z.number().check(z.int()),
    unblockRate: z.doc(z.number(), { description: 'unblocked / blocked within the range (0 when none blocked)' }),
    quarantined: z.doc(z.number().check(z.int()), { description: 'Inbound messages from blocked addresses kept in quarantine' }),
  }),
  { id: 'BlockStats' },
);
