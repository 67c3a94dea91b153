/**
 * Items as the table's stream delivers them, decoded into the input of the use case that consumes
 * them. A decoder unmarshalls the record's image and parses it with a zod item schema: a record
 * whose new image is not the decoder's item type is `null` (not this consumer's: skipped); an
 * item of the right type that does not parse throws, naming only the fields (never values).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import { roles } from '../../domain/caller.js';
import { channels } from '../../domain/conversation-policy.js';
import type { BlockRecord, Person } from '../../use-cases/blocks/ports.js';
import type { BlockChange } from '../../use-cases/block-visibility.js';
import type { BroadcastRecipient, BroadcastRecord } from '../../use-cases/broadcasts.js';
import type { QueuedDelivery } from '../../use-cases/delivery-ports.js';

/** A decoder of one consumer's records; `null`: not this consumer's item. */
export type StreamDecoder<T> = (record: DynamoDBRecord) => T | null;

type StreamImage = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/** The stream's attribute values have the SDK's wire shape; `aws-lambda` types them separately. */
const unmarshallImage = (image: StreamImage): Record<string, unknown> | undefined =>
  image ? unmarshall(image as Record<string, AttributeValue>) : undefined;

function parseItem<S extends z.ZodType>(schema: S, item: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(item)'))].join(', ');
  throw new Error(`Malformed ${String(item['type'])} item in the stream: ${fields}`);
}

/** Absent (removed as undefined on write) reads back as null. */
const orNull = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? null);

const PersonItem: z.ZodType<Person> = z.object({ id: z.string(), name: orNull(z.string()) });

const BlockItem = z
  .object({
    practiceId: z.string(),
    id: z.string(),
    addressType: z.enum(['email', 'phone']),
    value: z.string(),
    reason: orNull(z.string()),
    hideExisting: z.boolean().default(false),
    patient: orNull(PersonItem),
    contact: orNull(PersonItem),
    blockedBy: PersonItem,
    blockedAt: z.string(),
    updatedAt: z.string(),
    status: z.enum(['active', 'unblocked']),
    unblockedAt: orNull(z.string()),
    unblockedBy: orNull(PersonItem),
  })
  .transform(({ practiceId, addressType, ...block }): { practiceId: string; block: BlockRecord } => ({
    practiceId,
    block: { ...block, type: addressType },
  }));

const DeliveryItem = z
  .object({
    practiceId: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    sk: z.string(),
    channel: z.enum(channels),
    address: orNull(z.string()),
    purpose: z.enum(['message', 'notification']),
    broadcastId: z.string().optional(),
  })
  .transform(({ broadcastId, ...d }): QueuedDelivery => ({ ...d, ...(broadcastId ? { broadcastId } : {}) }));

const count = z.number().int();

const BroadcastItem: z.ZodType<BroadcastRecord> = z.object({
  id: z.string(),
  channel: z.enum(['portal', 'email', 'sms', 'whatsapp']),
  subject: orNull(z.string()),
  body: z.string(),
  sender: z.object({ id: z.string(), name: orNull(z.string()), role: z.enum(roles) }),
  recipients: count,
  excluded: z.object({ blocked: count, chatDisabled: count, noAddress: count }),
  status: z.enum(['queued', 'sending', 'done']),
  counts: z.object({ queued: count, sent: count, delivered: count, failed: count, blocked: count, suppressed: count }),
  createdAt: z.string(),
});

const RecipientItem: z.ZodType<BroadcastRecipient> = z.object({
  type: z.enum(['patient', 'contact']),
  id: z.string(),
  name: z.string(),
  address: orNull(z.string()),
  notify: orNull(z.string()),
});

/** One chunk of a broadcast's recipients, to be fanned out. */
export interface BroadcastChunk {
  practiceId: string;
  broadcast: BroadcastRecord;
  index: number;
  recipients: BroadcastRecipient[];
}

const BroadcastChunkItem: z.ZodType<BroadcastChunk> = z.object({
  practiceId: z.string(),
  broadcast: BroadcastItem,
  index: count,
  recipients: z.array(RecipientItem),
});

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

/** A broadcast chunk (the fan-out's input). */
export const decodeBroadcastChunk: StreamDecoder<BroadcastChunk> = (record) => {
  const item = newItemOf(record, 'BroadcastChunk');
  return item ? parseItem(BroadcastChunkItem, item) : null;
};
