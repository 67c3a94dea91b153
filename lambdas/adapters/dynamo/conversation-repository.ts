/**
 * Conversations and participant states in the single table (items: see conversation-items.ts).
 * A send is one TransactWriteItems (send-transaction.ts); messages, correspondence and notes
 * have their own repositories.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  WriteConflict,
  type ConversationRecord,
  type ConversationRepository,
  type InboxEntry,
  type InboxQuery,
  type PartyRef,
  type SendPlan,
  type StateRecord,
} from '../../use-cases/conversations/ports.js';
import type { Page } from '../../use-cases/page.js';
import { batchDeleteAll, batchGetAll, dynamo, tableName } from './client.js';
import { conversationFrom, stateFrom, statePut, statesOf, type Item } from './conversation-items.js';
import { keys } from './keys.js';
import { queryAll, queryPage } from './query.js';
import { getItem, getItems, prefetchItem, takePrefetched } from './request-batch.js';
import { sendPlan } from './send-transaction.js';
import { mergedIndexPage } from './inbox-search.js';

export class DynamoConversationRepository implements ConversationRepository {
  /** Read with whatever else the request reads in this turn; a prefetched read (`prefetch`) serves the first `get` of it. */
  async get(practiceId: string, id: string, options: { includeDeleting?: boolean } = {}): Promise<ConversationRecord | null> {
    const key = keys.conversation(practiceId, id);
    const item = await (takePrefetched(key) ?? getItem(key));
    if (!item || (item['deletingAt'] && !options.includeDeleting)) return null;
    return conversationFrom(item);
  }

  /** Starts the conversation's read now (in the same BatchGetItem as the auth step's caller read). */
  prefetch(practiceId: string, id: string): void {
    prefetchItem(keys.conversation(practiceId, id));
  }

  states(practiceId: string, id: string): Promise<StateRecord[]> {
    return statesOf(practiceId, id);
  }

  async state(practiceId: string, id: string, party: PartyRef): Promise<StateRecord | null> {
    const out = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.participantState(practiceId, id, party.type, party.id) }),
    );
    return out.Item ? stateFrom(out.Item) : null;
  }

  async statesOf(practiceId: string, id: string, parties: readonly PartyRef[]): Promise<StateRecord[]> {
    const items = await getItems(parties.map((p) => keys.participantState(practiceId, id, p.type, p.id)));
    return items.map(stateFrom);
  }

  send(practiceId: string, plan: SendPlan): Promise<void> {
    return sendPlan(practiceId, plan);
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
    } else if (q.starred === true && !q.q) {
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
    const input = {
      TableName: tableName,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pkAttribute, ...names },
      ExpressionAttributeValues: { ':pk': pkValue, ...values },
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ScanIndexForward: false,
    };
    // A search without a status finds archived conversations too (API.md): the open and the archive partitions, merged.
    const result =
      q.q && !q.status
        ? await mergedIndexPage(input, [pkValue, keys.archive(practiceId, party.type, party.id)], q)
        : await queryPage(input, q, { attribute: pkAttribute, value: pkValue });
    // Slim states: the page's conversations are one BatchGetItem (a row whose conversation is gone or being deleted is left out).
    const ids = [...new Set(result.items.map((item) => item['conversationId'] as string))];
    const found = ids.length > 0 ? await batchGetAll(ids.map((id) => keys.conversation(practiceId, id))) : [];
    const live = new Map(found.filter((item) => !item['deletingAt']).map((item) => [item['id'] as string, conversationFrom(item)]));
    return {
      items: result.items.flatMap((item) => {
        const conversation = live.get(item['conversationId'] as string);
        return conversation ? [{ ...stateFrom(item), conversation }] : [];
      }),
      nextCursor: result.nextCursor,
    };
  }

  async pairConversation(practiceId: string, providerId: string, patientId: string): Promise<string | null> {
    const out = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.pair(practiceId, providerId, patientId), ConsistentRead: true }),
    );
    const set = out.Item?.['conversations'] as Set<string> | undefined;
    return set && set.size > 0 ? ([...set].sort()[0] as string) : null;
  }

  async callLogConversation(practiceId: string, patientId: string): Promise<string | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.callLog(practiceId, patientId), ConsistentRead: true }));
    return (out.Item?.['conversationId'] as string | undefined) ?? null;
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
    // Strongly consistent: every state a participant chunk wrote before deletingAt was set is found (later ones are refused).
    const items = await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ConsistentRead: true,
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
}
