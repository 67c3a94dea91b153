/**
 * Items as the table's stream delivers them, decoded into the input of the use case that consumes
 * them. A decoder unmarshalls the record's image and parses it with a zod item schema: a record
 * whose new image is not the decoder's item type is `null` (not this consumer's: skipped); an
 * item of the right type that does not parse throws, naming only the fields (never values).
 * zod's mini build (no OpenAPI here): the stream consumers then carry no classic zod.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { channels } from '../../domain/conversation-policy.js';
import type { BlockRecord, Person } from '../../use-cases/blocks/ports.js';
import type { BlockChange } from '../../use-cases/block-visibility.js';
import type { MemberRef } from '../../use-cases/contacts/ports.js';
import type { QueuedDelivery } from '../../use-cases/delivery-ports.js';
import type { ParticipantChunk } from '../../use-cases/conversations/participants-fanout.js';

/** A decoder of one consumer's records; `null`: not this consumer's item. */
export type StreamDecoder<T> = (record: DynamoDBRecord) => T | null;

type StreamImage = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/** The stream's attribute values have the SDK's wire shape; `aws-lambda` types them separately. */
const unmarshallImage = (image: StreamImage): Record<string, unknown> | undefined =>
  image ? unmarshall(image as Record<string, AttributeValue>) : undefined;

function parseItem<S extends z.ZodMiniType>(schema: S, item: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(item)'))].join(', ');
  throw new Error(`Malformed ${String(item['type'])} item in the stream: ${fields}`);
}

/** Absent (removed as undefined on write) reads back as null. */
const orNull = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(z.nullish(schema), z.transform((v: z.output<T> | null | undefined) => v ?? null));

/** An item schema whose parsed value is mapped into the use case's input. */
const mapped = <S extends z.ZodMiniType, O>(schema: S, fn: (value: z.output<S>) => O) => z.pipe(schema, z.transform(fn));

const PersonItem: z.ZodMiniType<Person> = z.object({ id: z.string(), name: orNull(z.string()) });

const BlockItem = mapped(
  z.object({
    practiceId: z.string(),
    id: z.string(),
    addressType: z.enum(['email', 'phone']),
    value: z.string(),
    reason: orNull(z.string()),
    hideExisting: z._default(z.boolean(), false),
    patient: orNull(PersonItem),
    contact: orNull(PersonItem),
    blockedBy: PersonItem,
    blockedAt: z.string(),
    updatedAt: z.string(),
    status: z.enum(['active', 'unblocked']),
    unblockedAt: orNull(z.string()),
    unblockedBy: orNull(PersonItem),
  }),
  ({ practiceId, addressType, ...block }): { practiceId: string; block: BlockRecord } => ({
    practiceId,
    block: { ...block, type: addressType },
  }),
);

const DeliveryItem = mapped(
  z.object({
    practiceId: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    sk: z.string(),
    channel: z.enum(channels),
    address: orNull(z.string()),
    purpose: z.enum(['message', 'notification']),
    broadcastId: z.optional(z.string()),
  }),
  ({ broadcastId, ...d }): QueuedDelivery => ({ ...d, ...(broadcastId ? { broadcastId } : {}) }),
);

/** One step of a broadcast's background work: prepare it (it was just accepted) or fan out one chunk. */
export type BroadcastStep =
  | { kind: 'prepare'; practiceId: string; broadcastId: string }
  | { kind: 'chunk'; practiceId: string; broadcastId: string; index: number; members: MemberRef[] };

const BroadcastItem = mapped(
  z.object({ practiceId: z.string(), id: z.string(), status: z.string() }),
  ({ practiceId, id }): BroadcastStep => ({ kind: 'prepare', practiceId, broadcastId: id }),
);

const BroadcastChunkItem = mapped(
  z.object({
    practiceId: z.string(),
    broadcastId: z.string(),
    index: z.number().check(z.int()),
    members: z.array(z.string().check(z.regex(/^[pc]:.+$/))),
  }),
  ({ practiceId, broadcastId, index, members }): BroadcastStep => ({
    kind: 'chunk',
    practiceId,
    broadcastId,
    index,
    members: members.map((m) => ({ type: m.startsWith('p:') ? ('patient' as const) : ('contact' as const), id: m.slice(2) })),
  }),
);

const PartyItem = z.object({ type: z.enum(['patient', 'staff', 'contact']), id: z.string() });
const chunkCount = z.number().check(z.int());

const ChunkDelivery = z.object({
  recipient: PartyItem,
  channel: z.enum(channels),
  address: orNull(z.string()),
  status: z.enum(['queued', 'sent', 'delivered', 'failed', 'blocked', 'suppressed']),
  purpose: z.enum(['message', 'notification']),
  error: z.optional(z.string()),
  broadcastId: z.optional(z.string()),
});

/** A send's participant chunk (large conversations; use-cases/conversations/participants-fanout.ts). */
const ParticipantChunkItem = mapped(
  z.object({
    practiceId: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    at: z.string(),
    author: PartyItem,
    index: chunkCount,
    parties: z.array(PartyItem),
    deliveries: z.array(z.object({ index: chunkCount, delivery: ChunkDelivery })),
    correspondenceOf: z.array(z.string()),
    pairs: z.array(z.object({ providerId: z.string(), patientId: z.string() })),
  }),
  (c): ParticipantChunk => ({
    ...c,
    deliveries: c.deliveries.map(({ index, delivery: { error, broadcastId, ...d } }) => ({
      index,
      delivery: { ...d, ...(error ? { error } : {}), ...(broadcastId ? { broadcastId } : {}) },
    })),
  }),
);

/** The new image when it is an item of `type`, else null. */
function newItemOf(record: DynamoDBRecord, type: string): Record<string, unknown> | null {
  const item = unmarshallImage(record.dynamodb?.NewImage);
  return item && item['type'] === type ? item : null;
}

/** A delivery item (the dispatcher's input). */
export const decodeDelivery: StreamDecoder<QueuedDelivery> = (record) => {
  const item = newItemOf(record, 'Delivery');
  return item ? parseItem(DeliveryItem, item) : null;
};

/** A block's change: the block before (null when new, or when the old image was not a block) and after. */
export const decodeBlockChange: StreamDecoder<BlockChange> = (record) => {
  const item = newItemOf(record, 'Block');
  if (!item) return null;
  const { practiceId, block: after } = parseItem(BlockItem, item);
  const old = unmarshallImage(record.dynamodb?.OldImage);
  const before = old && old['type'] === 'Block' ? parseItem(BlockItem, old).block : null;
  return { practiceId, before, after };
};

/** A broadcast just accepted (`preparing`: its audience to expand) or one of its chunks (to fan out). */
export const decodeBroadcastStep: StreamDecoder<BroadcastStep> = (record) => {
  const chunk = newItemOf(record, 'BroadcastChunk');
  if (chunk) return parseItem(BroadcastChunkItem, chunk);
  const broadcast = newItemOf(record, 'Broadcast');
  return broadcast && broadcast['status'] === 'preparing' ? parseItem(BroadcastItem, broadcast) : null;
};

/** A large conversation's participant chunk (the participant fan-out's input). */
export const decodeParticipantChunk: StreamDecoder<ParticipantChunk> = (record) => {
  const item = newItemOf(record, 'ParticipantChunk');
  return item ? parseItem(ParticipantChunkItem, item) : null;
};
