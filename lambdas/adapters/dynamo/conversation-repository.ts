/**
 * Conversations, messages, deliveries and participant states in the single table.
 * A conversation's items share one partition (`P#<p>#CONV#<id>`); each participant's state item
 * carries the inbox keys (gsi1 open/archived, gsi2 by status, gsi3 starred) and a snapshot of the
 * conversation, so an inbox page is one Query. A send is one TransactWriteItems.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  PairTaken,
  WriteConflict,
  type ConversationRecord,
  type ConversationRepository,
  type CorrespondencePointer,
  type DeliveryRecord,
  type InboxEntry,
  type InboxQuery,
  type MessageRecord,
  type NoteRecord,
  type PartyRef,
  type SendPlan,
  type StateRecord,
} from '../../use-cases/conversation-ports.js';
import type { Page, PageRequest } from '../../use-cases/directory-ports.js';
import { batchDeleteAll, batchGetAll, dynamo, tableName } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { keys } from './keys.js';
import { queryAll, queryPage } from './query.js';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const conversationFrom = (item: Item): ConversationRecord => ({
  id: item['id'] as string,
  kind: item['kind'] as ConversationRecord['kind'],
  channel: item['channel'] as ConversationRecord['channel'],
  subject: (item['subject'] as string | undefined) ?? null,
  participants: item['participants'] as ConversationRecord['participants'],
  createdBy: item['createdBy'] as PartyRef,
  createdAt: item['createdAt'] as string,
  lastMessageAt: item['lastMessageAt'] as string,
  lastDirection: item['lastDirection'] as ConversationRecord['lastDirection'],
});

const conversationItem = (practiceId: string, c: ConversationRecord): Item => ({
  ...keys.conversation(practiceId, c.id),
  type: 'Conversation',
  ...c,
  subject: c.subject ?? undefined,
});

const messageFrom = (item: Item, deliveries: DeliveryRecord[]): MessageRecord => ({
  id: item['id'] as string,
  conversationId: item['conversationId'] as string,
  channel: item['channel'] as MessageRecord['channel'],
  direction: item['direction'] as MessageRecord['direction'],
  author: item['author'] as PartyRef,
  body: item['body'] as string,
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

const stateFrom = (item: Item): StateRecord => ({
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
function statePut(practiceId: string, c: ConversationRecord, s: StateRecord) {
  return {
    TableName: tableName,
    Item: stateItem(practiceId, c, s),
    ...(s.version === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': s.version } }),
  };
}

/** The inbox keys of a state item follow from its status, archive and star. */
function stateItem(practiceId: string, c: ConversationRecord, s: StateRecord): Item {
  const { type, id } = s.party;
  const sortKey = `${s.lastMessageAt}#${s.conversationId}`;
  const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
  return {
    ...keys.participantState(practiceId, s.conversationId, type, id),
    type: 'ParticipantState',
    ...s,
    hiddenBy: s.hiddenBy && s.hiddenBy.length > 0 ? new Set(s.hiddenBy) : undefined,
    version: (s.version ?? 0) + 1,
    conversation: conversationItem(practiceId, c),
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

const deliveryKeys = (practiceId: string, m: Item) =>
  Array.from({ length: (m['deliveryCount'] as number | undefined) ?? 0 }, (_, i) =>
    keys.delivery(practiceId, m['conversationId'] as string, m['id'] as string, i),
  );

export class DynamoConversationRepository implements ConversationRepository {
  async get(practiceId: string, id: string, options: { includeDeleting?: boolean } = {}): Promise<ConversationRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.conversation(practiceId, id) }));
    if (!out.Item || (out.Item['deletingAt'] && !options.includeDeleting)) return null;
    return conversationFrom(out.Item);
  }

  async states(practiceId: string, id: string): Promise<StateRecord[]> {
    const items = await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.conversationPk(practiceId, id), ':prefix': 'PART#' },
    });
    return items.map(stateFrom);
  }

  async state(practiceId: string, id: string, party: PartyRef): Promise<StateRecord | null> {
    const out = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.participantState(practiceId, id, party.type, party.id) }),
    );
    return out.Item ? stateFrom(out.Item) : null;
  }

  async send(practiceId: string, plan: SendPlan): Promise<void> {
    const { conversation: c, message: m } = plan;
    const items: TransactItem[] = [];
    if (plan.isNew) {
      items.push({ Put: { TableName: tableName, Item: conversationItem(practiceId, c), ConditionExpression: 'attribute_not_exists(pk)' } });
    } else {
      items.push({
        Update: {
          TableName: tableName,
          Key: keys.conversation(practiceId, c.id),
          UpdateExpression: 'SET lastMessageAt = :at, lastDirection = :dir, participants = :participants',
          // Activity only moves forward, and nothing joins a conversation being deleted: a racing
          // writer fails here and retries from a fresh read (or finds the conversation gone).
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletingAt) AND lastMessageAt < :at',
          ExpressionAttributeValues: { ':at': c.lastMessageAt, ':dir': c.lastDirection, ':participants': c.participants },
        },
      });
    }
    const { deliveries, ...message } = m;
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...keys.message(practiceId, c.id, m.id), type: 'Message', ...message, deliveryCount: deliveries.length },
      },
    });
    deliveries.forEach((d, i) =>
      items.push({
        Put: {
          TableName: tableName,
          Item: {
            ...keys.delivery(practiceId, c.id, m.id, i),
            type: 'Delivery',
            practiceId,
            conversationId: c.id,
            messageId: m.id,
            createdAt: m.createdAt,
            ...d,
            address: d.address ?? undefined,
          },
        },
      }),
    );
    for (const s of plan.states) items.push({ Put: statePut(practiceId, c, s) });
    for (const patientId of plan.correspondenceOf) {
      items.push({
        Put: {
          TableName: tableName,
          Item: {
            ...keys.correspondence(practiceId, patientId, m.id),
            type: 'Correspondence',
            conversationId: c.id,
            messageId: m.id,
            channel: m.channel,
            createdAt: m.createdAt,
          },
        },
      });
    }
    const pairIndex = items.length;
    for (const pair of plan.pairs) {
      items.push({
        Update: {
          TableName: tableName,
          Key: keys.pair(practiceId, pair.providerId, pair.patientId),
          UpdateExpression: 'ADD conversations :c SET #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':c': new Set([c.id]), ':type': 'ProviderPatientPair' },
          ...(pair.exclusive ? { ConditionExpression: 'attribute_not_exists(conversations)' } : {}),
        },
      });
    }
    if (plan.callLogOf) {
      items.push({
        Put: {
          TableName: tableName,
          Item: { ...keys.callLog(practiceId, plan.callLogOf), type: 'CallLog', conversationId: c.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (items.length > 100) throw new Error(`send plan of ${items.length} items exceeds one transaction`);

    try {
      await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        for (let i = 0; i < plan.pairs.length; i++) {
          if (reasons[pairIndex + i]?.Code === 'ConditionalCheckFailed') {
            const pair = plan.pairs[i] as SendPlan['pairs'][number];
            throw new PairTaken(pair.providerId, pair.patientId);
          }
        }
        if (reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ConditionalCheckFailed')) throw new WriteConflict();
      }
      throw error;
    }
  }

  async putState(practiceId: string, conversation: ConversationRecord, state: StateRecord): Promise<void> {
    try {
      await dynamo.send(new PutCommand(statePut(practiceId, conversation, state)));
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new WriteConflict();
      throw error;
    }
  }

  async inbox(practiceId: string, party: PartyRef, q: InboxQuery): Promise<Page<InboxEntry>> {
    let index = 'gsi1';
    let pkValue = keys.inbox(practiceId, party.type, party.id);
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (q.status === 'archived') {
      pkValue = keys.archive(practiceId, party.type, party.id);
    } else if (q.status) {
      index = 'gsi2';
      pkValue = keys.inboxByStatus(practiceId, party.type, party.id, q.status);
    } else if (q.starred === true) {
      index = 'gsi3';
      pkValue = keys.starred(practiceId, party.type, party.id);
    }
    if (q.starred !== undefined && index !== 'gsi3') {
      filters.push('starred = :starred');
      values[':starred'] = q.starred;
    }
    if (q.channel) {
      filters.push('#channel = :channel');
      names['#channel'] = 'channel';
      values[':channel'] = q.channel;
    }
    if (q.direction) {
      filters.push('lastDirection = :direction');
      values[':direction'] = q.direction;
    }
    if (q.patientId) {
      filters.push('contains(patientIds, :patientId)');
      values[':patientId'] = q.patientId;
    }
    if (q.q) {
      filters.push('contains(searchText, :q)');
      values[':q'] = q.q.toLowerCase();
    }
    if (!q.includeHidden) filters.push('attribute_not_exists(hiddenBy)');
    const pkAttribute = `${index}pk`;
    const result = await queryPage(
      {
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pkAttribute, ...names },
        ExpressionAttributeValues: { ':pk': pkValue, ...values },
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ScanIndexForward: false,
      },
      q,
      { attribute: pkAttribute, value: pkValue },
    );
    return {
      items: result.items.map((item) => ({ ...stateFrom(item), conversation: conversationFrom(item['conversation'] as Item) })),
      nextCursor: result.nextCursor,
    };
  }

  async messages(practiceId: string, conversationId: string, page: PageRequest): Promise<Page<MessageRecord>> {
    const pk = keys.conversationPk(practiceId, conversationId);
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'MSG#' },
        ScanIndexForward: true,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, { attribute: 'pk', value: pk }),
      }),
    );
    return { items: await this.withDeliveries(practiceId, out.Items ?? []), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  async message(practiceId: string, conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.message(practiceId, conversationId, messageId) }));
    if (!out.Item) return null;
    const [m] = await this.withDeliveries(practiceId, [out.Item]);
    return m ?? null;
  }

  /** One BatchGetItem (per 100) for the deliveries of a page of messages: their keys are known. */
  private async withDeliveries(practiceId: string, messageItems: Item[]): Promise<MessageRecord[]> {
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

  async pairConversation(practiceId: string, providerId: string, patientId: string): Promise<string | null> {
    const out = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.pair(practiceId, providerId, patientId), ConsistentRead: true }),
    );
    const set = out.Item?.['conversations'] as Set<string> | undefined;
    return set && set.size > 0 ? ([...set].sort()[0] as string) : null;
  }

  async deleteMessage(practiceId: string, c: ConversationRecord, m: MessageRecord): Promise<void> {
    const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: tableName, Key: keys.message(practiceId, c.id, m.id) } },
          ...m.deliveries.map((_, i) => ({ Delete: { TableName: tableName, Key: keys.delivery(practiceId, c.id, m.id, i) } })),
          ...patientIds.map((pid) => ({ Delete: { TableName: tableName, Key: keys.correspondence(practiceId, pid, m.id) } })),
        ],
      }),
    );
  }

  /**
   * Everything of the conversation goes: messages, deliveries, states, correspondence pointers,
   * pair links, the call-log pointer. The conversation is first marked as being deleted (it
   * answers 404 from then on and no send can add to it), and its item goes last, so an
   * interrupted delete can be run again and finishes the job.
   */
  async deleteConversation(practiceId: string, c: ConversationRecord): Promise<void> {
    const pk = keys.conversationPk(practiceId, c.id);
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.conversation(practiceId, c.id),
        UpdateExpression: 'SET deletingAt = if_not_exists(deletingAt, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    const items = await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk, id, #type',
      ExpressionAttributeNames: { '#type': 'type' },
    });
    const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
    const providerIds = c.participants.filter((p) => p.type === 'staff' && p.role === 'provider').map((p) => p.id);
    const toDelete: Record<string, unknown>[] = [];
    for (const item of items) {
      if (item['sk'] === 'META') continue;
      toDelete.push({ pk: item['pk'], sk: item['sk'] });
      if (item['type'] === 'Message') {
        for (const pid of patientIds) toDelete.push(keys.correspondence(practiceId, pid, item['id'] as string));
      }
    }
    await batchDeleteAll(toDelete);
    if (patientIds.length === 1) {
      for (const providerId of providerIds) {
        await dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.pair(practiceId, providerId, patientIds[0] as string),
            UpdateExpression: 'DELETE conversations :c',
            ExpressionAttributeValues: { ':c': new Set([c.id]) },
          }),
        );
      }
    }
    if (c.kind === 'call_log' && patientIds[0]) {
      await dynamo.send(
        new DeleteCommand({
          TableName: tableName,
          Key: keys.callLog(practiceId, patientIds[0]),
          ConditionExpression: 'conversationId = :c',
          ExpressionAttributeValues: { ':c': c.id },
        }),
      ).catch((e: Error) => {
        if (e.name !== 'ConditionalCheckFailedException') throw e;
      });
    }
    await dynamo.send(new DeleteCommand({ TableName: tableName, Key: keys.conversation(practiceId, c.id) }));
  }

  async addNote(practiceId: string, note: NoteRecord): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.note(practiceId, note.patientId, note.id), type: 'Note', ...note },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async notes(practiceId: string, patientId: string, page: PageRequest): Promise<Page<NoteRecord>> {
    const pk = keys.patientPk(practiceId, patientId);
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'NOTE#' },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, { attribute: 'pk', value: pk }),
      }),
    );
    return {
      items: (out.Items ?? []).map((i) => ({
        id: i['id'] as string,
        patientId: i['patientId'] as string,
        conversationId: i['conversationId'] as string,
        text: i['text'] as string,
        author: i['author'] as PartyRef,
        createdAt: i['createdAt'] as string,
      })),
      nextCursor: encodeCursor(out.LastEvaluatedKey),
    };
  }

  async callLogConversation(practiceId: string, patientId: string): Promise<string | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.callLog(practiceId, patientId), ConsistentRead: true }));
    return (out.Item?.['conversationId'] as string | undefined) ?? null;
  }

  async correspondence(
    practiceId: string,
    patientId: string,
    page: PageRequest & { includeHidden?: boolean },
  ): Promise<Page<MessageRecord>> {
    const pk = keys.patientPk(practiceId, patientId);
    const { items: pointers, nextCursor } = await queryPage(
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'CORR#' },
        ...(page.includeHidden ? {} : { FilterExpression: 'attribute_not_exists(hiddenBy)' }),
        ScanIndexForward: false,
      },
      page,
      { attribute: 'pk', value: pk },
    );
    const messageItems = await batchGetAll(
      pointers.map((p) => keys.message(practiceId, p['conversationId'] as string, p['messageId'] as string)),
    );
    const byId = new Map(messageItems.map((m) => [m['id'] as string, m]));
    const ordered = pointers.map((p) => byId.get(p['messageId'] as string)).filter((m): m is Item => m !== undefined);
    return { items: await this.withDeliveries(practiceId, ordered), nextCursor };
  }

  async correspondencePointers(practiceId: string, patientId: string): Promise<CorrespondencePointer[]> {
    const items = await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.patientPk(practiceId, patientId), ':prefix': 'CORR#' },
    });
    return items.map((i) => ({
      messageId: i['messageId'] as string,
      conversationId: i['conversationId'] as string,
      channel: i['channel'] as CorrespondencePointer['channel'],
    }));
  }

  async setHiddenBy(
    practiceId: string,
    patientId: string,
    pointers: readonly CorrespondencePointer[],
    blockId: string,
    hide: boolean,
  ): Promise<void> {
    const op = hide ? 'ADD' : 'DELETE';
    // State items also move their version on, so a send that read them before cannot overwrite the mark.
    const mark = (Key: Record<string, unknown>, isState = false) =>
      dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: isState ? `${op} hiddenBy :b SET version = if_not_exists(version, :zero) + :one` : `${op} hiddenBy :b`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':b': new Set([blockId]), ...(isState ? { ':zero': 0, ':one': 1 } : {}) },
        }),
      ).catch((e: Error) => {
        if (e.name !== 'ConditionalCheckFailedException') throw e; // deleted meanwhile: nothing to mark
      });
    for (const p of pointers) await mark(keys.correspondence(practiceId, patientId, p.messageId));
    for (const conversationId of new Set(pointers.map((p) => p.conversationId))) {
      for (const state of await this.states(practiceId, conversationId)) {
        // Staff inboxes only: the blocked person's own view is not the practice's concern here.
        if (state.party.type !== 'staff') continue;
        await mark(keys.participantState(practiceId, conversationId, state.party.type, state.party.id), true);
      }
    }
  }
}
