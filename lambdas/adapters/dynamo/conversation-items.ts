/**
 * Conversation items of the single table and their records. A conversation's items share one
 * partition (`P#<p>#CONV#<id>`): the conversation (META), messages, deliveries, each
 * participant's state and, for a send into a large conversation, its participant chunks. A state
 * item is slim: the party's status, archive, star and activity, the inbox keys (gsi1
 * open/archived, gsi2 by status, gsi3 starred) and what the inbox filters read (channel, latest
 * direction, patient ids, search text) — no copy of the conversation: an inbox page is one Query
 * plus one BatchGetItem of its conversations. Other modules that add a message to a conversation
 * (inbound) build their state writes with `statePut` / `stateSendUpdate` from here.
 */
import type {
  ConversationRecord,
  DeliveryRecord,
  MessageRecord,
  PartyRef,
  StateRecord,
} from '../../use-cases/conversations/ports.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, dynamo, tableName } from './client.js';
import type { TransactItem } from './conditional-writes.js';
import { keys } from './keys.js';
import { queuedLease } from './delivery-lease.js';
import { queryAll } from './query.js';

export type Item = Record<string, unknown>;

export const conversationFrom = (item: Item): ConversationRecord => ({
  id: item['id'] as string,
  kind: item['kind'] as ConversationRecord['kind'],
  channel: item['channel'] as ConversationRecord['channel'],
  subject: (item['subject'] as string | undefined) ?? null,
  participants: item['participants'] as ConversationRecord['participants'],
  createdBy: item['createdBy'] as PartyRef,
  createdAt: item['createdAt'] as string,
  lastMessageAt: item['lastMessageAt'] as string,
  lastDirection: item['lastDirection'] as ConversationRecord['lastDirection'],
  ...(Array.isArray(item['lookups']) ? { lookups: item['lookups'] as string[] } : {}),
});

export const conversationItem = (practiceId: string, c: ConversationRecord): Item => ({
  ...keys.conversation(practiceId, c.id),
  type: 'Conversation',
  ...c,
  subject: c.subject ?? undefined,
});

/** A delivery item: its key is the message's and its index, so a chunk that writes it again finds it there. */
export const deliveryItem = (practiceId: string, conversationId: string, m: Pick<MessageRecord, 'id' | 'createdAt'>, index: number, d: DeliveryRecord): Item => ({
  ...keys.delivery(practiceId, conversationId, m.id, index),
  type: 'Delivery',
  practiceId,
  conversationId,
  messageId: m.id,
  createdAt: m.createdAt,
  ...d,
  address: d.address ?? undefined,
  ...queuedLease(practiceId, conversationId, keys.delivery(practiceId, conversationId, m.id, index).sk, d, m.createdAt),
});

export const messageFrom = (item: Item, deliveries: DeliveryRecord[]): MessageRecord => ({
  id: item['id'] as string,
  conversationId: item['conversationId'] as string,
  channel: item['channel'] as MessageRecord['channel'],
  direction: item['direction'] as MessageRecord['direction'],
  author: item['author'] as PartyRef,
  body: item['body'] as string,
  ...(typeof item['html'] === 'string' ? { html: item['html'] } : {}),
  attachments: (item['attachments'] as MessageRecord['attachments'] | undefined) ?? [],
  createdAt: item['createdAt'] as string,
  deliveries,
  ...(item['call'] ? { call: item['call'] as NonNullable<MessageRecord['call']> } : {}),
});

const deliveryFrom = (item: Item): DeliveryRecord => ({
  recipient: item['recipient'] as PartyRef,
  channel: item['channel'] as DeliveryRecord['channel'],
  address: (item['address'] as string | undefined) ?? null,
  status: item['status'] as DeliveryRecord['status'],
  purpose: item['purpose'] as DeliveryRecord['purpose'],
  ...(item['error'] ? { error: item['error'] as string } : {}),
});

export const stateFrom = (item: Item): StateRecord => ({
  conversationId: item['conversationId'] as string,
  party: item['party'] as PartyRef,
  status: item['status'] as StateRecord['status'],
  archived: item['archived'] === true,
  starred: item['starred'] === true,
  lastMessageAt: item['lastMessageAt'] as string,
  ...(item['hiddenBy'] instanceof Set && item['hiddenBy'].size > 0 ? { hiddenBy: [...(item['hiddenBy'] as Set<string>)] } : {}),
  ...(typeof item['version'] === 'number' ? { version: item['version'] } : {}),
});

/** Put a state only over the version it was read at (or where none exists): a star or archive set meanwhile is never lost. */
export function statePut(practiceId: string, c: ConversationRecord, s: StateRecord) {
  return {
    TableName: tableName,
    Item: stateItem(practiceId, c, s),
    ...(s.version === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': s.version } }),
  };
}

/**
 * A send's state write that tolerates other sends: every attribute of the state item is set
 * (status, activity, snapshot, inbox keys) except `hiddenBy`, which a block may change meanwhile,
 * and `version` is incremented; the only condition is that archive and star are still as read.
 * So concurrent replies do not conflict, and an archive or star set meanwhile re-runs the send.
 */
export function stateSendUpdate(practiceId: string, c: ConversationRecord, s: StateRecord & Required<Pick<StateRecord, 'readAs'>>) {
  const { pk, sk, hiddenBy: _hiddenBy, version: _version, ...attributes } = stateItem(practiceId, c, s);
  const names: Record<string, string> = { '#version': 'version', '#archived': 'archived', '#starred': 'starred' };
  const values: Record<string, unknown> = { ':one': 1, ':readArchived': s.readAs.archived, ':readStarred': s.readAs.starred };
  const set: string[] = [];
  const remove: string[] = [];
  Object.entries(attributes).forEach(([name, value], i) => {
    names[`#a${i}`] = name;
    if (value === undefined) remove.push(`#a${i}`);
    else {
      set.push(`#a${i} = :a${i}`);
      values[`:a${i}`] = value;
    }
  });
  return {
    TableName: tableName,
    Key: { pk, sk },
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''} ADD #version :one`,
    ConditionExpression: 'attribute_exists(pk) AND #archived = :readArchived AND #starred = :readStarred',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The slim state item: the inbox keys follow from its status, archive and star; the filters' attributes from the conversation. */
/** A participant's state in a send's transaction: over the archive and star read when the send says so, else over the version read. */
export const stateWrite = (practiceId: string, c: ConversationRecord, s: StateRecord): TransactItem =>
  s.readAs && s.version !== undefined ? { Update: stateSendUpdate(practiceId, c, { ...s, readAs: s.readAs }) } : { Put: statePut(practiceId, c, s) };

/** A patient's correspondence pointer to a message (their every-channel history). */
export const correspondenceWrite = (practiceId: string, conversationId: string, m: Pick<MessageRecord, 'id' | 'channel' | 'createdAt'>, patientId: string): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: {
      ...keys.correspondence(practiceId, patientId, m.id),
      type: 'Correspondence',
      conversationId,
      messageId: m.id,
      channel: m.channel,
      createdAt: m.createdAt,
    },
  },
});

/** The sent deliveries with this provider message id (gsi3, in the practice's key space): receipts and email threading find them. */
export async function sentDeliveryItems(practiceId: string, providerMessageId: string, limit?: number): Promise<Item[]> {
  const g = keys.providerMessage(practiceId, providerMessageId);
  const out = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk = :sk',
      ExpressionAttributeValues: { ':pk': g.gsi3pk, ':sk': g.gsi3sk },
      ...(limit ? { Limit: limit } : {}),
    }),
  );
  return out.Items ?? [];
}

export function stateItem(practiceId: string, c: ConversationRecord, s: StateRecord): Item {
  const { readAs: _readAs, ...state } = s;
  const { type, id } = s.party;
  const sortKey = `${s.lastMessageAt}#${s.conversationId}`;
  const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
  return {
    ...keys.participantState(practiceId, s.conversationId, type, id),
    type: 'ParticipantState',
    ...state,
    hiddenBy: s.hiddenBy && s.hiddenBy.length > 0 ? new Set(s.hiddenBy) : undefined,
    version: (s.version ?? 0) + 1,
    channel: c.channel,
    lastDirection: c.lastDirection,
    patientIds: patientIds.length > 0 ? patientIds : undefined,
    searchText: [c.subject ?? '', ...c.participants.map((p) => p.name)].join(' \u0000 ').toLowerCase(),
    gsi1pk: s.archived ? keys.archive(practiceId, type, id) : keys.inbox(practiceId, type, id),
    gsi1sk: sortKey,
    ...(s.archived ? {} : { gsi2pk: keys.inboxByStatus(practiceId, type, id, s.status), gsi2sk: sortKey }),
    ...(s.starred && !s.archived ? { gsi3pk: keys.starred(practiceId, type, id), gsi3sk: sortKey } : {}),
  };
}

/** Every participant state of a conversation. */
export async function statesOf(practiceId: string, conversationId: string): Promise<StateRecord[]> {
  const items = await queryAll({
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.conversationPk(practiceId, conversationId), ':prefix': 'PART#' },
  });
  return items.map(stateFrom);
}

const deliveryKeys = (practiceId: string, m: Item) =>
  Array.from({ length: (m['deliveryCount'] as number | undefined) ?? 0 }, (_, i) =>
    keys.delivery(practiceId, m['conversationId'] as string, m['id'] as string, i),
  );

/** Messages with their deliveries: one BatchGetItem (per 100) for a page of messages, their keys being known. */
export async function withDeliveries(practiceId: string, messageItems: Item[]): Promise<MessageRecord[]> {
  const deliveryItems = await batchGetAll(messageItems.flatMap((m) => deliveryKeys(practiceId, m)));
  const byMessage = new Map<string, Item[]>();
  for (const d of deliveryItems) {
    const list = byMessage.get(d['messageId'] as string) ?? [];
    list.push(d);
    byMessage.set(d['messageId'] as string, list);
  }
  return messageItems.map((m) =>
    messageFrom(
      m,
      (byMessage.get(m['id'] as string) ?? [])
        .sort((a, b) => String(a['sk']).localeCompare(String(b['sk'])))
        .map(deliveryFrom),
    ),
  );
}
