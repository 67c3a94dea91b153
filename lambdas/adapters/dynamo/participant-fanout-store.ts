/**
 * The participant fan-out's writes (use-cases/conversations/participants-fanout.ts): strongly
 * consistent reads of the conversation and of a chunk's states, then TransactWriteItems of up to
 * 99 writes, each with a ConditionCheck that the conversation exists and is not being deleted
 * (a delete marks it first, so nothing written after can outlive it).
 */
import { BatchGetCommand, DeleteCommand, GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { ConversationRecord, PartyRef, StateRecord } from '../../use-cases/conversations/ports.js';
import type { FanOutWrite, ParticipantChunk, ParticipantFanOutStore } from '../../use-cases/conversations/participants-fanout.js';
import { dynamo, tableName } from './client.js';
import { conversationFrom, deliveryItem, stateFrom, statePut, type Item } from './conversation-items.js';
import { keys } from './keys.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const WRITES_PER_TRANSACTION = 99;
const CONFLICT_ATTEMPTS = 8;
const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 500) * (0.5 + Math.random())));

function transactItem(practiceId: string, c: ConversationRecord, chunk: ParticipantChunk, w: FanOutWrite): TransactItem {
  const ifAbsent = { ConditionExpression: 'attribute_not_exists(pk)' };
  switch (w.kind) {
    case 'state':
      return { Put: statePut(practiceId, c, w.state) };
    case 'delivery':
      return { Put: { TableName: tableName, Item: deliveryItem(practiceId, c.id, { id: chunk.messageId, createdAt: chunk.at }, w.index, w.delivery), ...ifAbsent } };
    case 'correspondence':
      return {
        Put: {
          TableName: tableName,
          Item: { ...keys.correspondence(practiceId, w.patientId, chunk.messageId), type: 'Correspondence', conversationId: c.id, messageId: chunk.messageId, channel: c.channel, createdAt: chunk.at },
          ...ifAbsent,
        },
      };
    case 'pair':
      return {
        Update: {
          TableName: tableName,
          Key: keys.pair(practiceId, w.providerId, w.patientId),
          UpdateExpression: 'ADD conversations :c SET #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':c': new Set([c.id]), ':type': 'ProviderPatientPair' },
        },
      };
  }
}

export class DynamoParticipantFanOutStore implements ParticipantFanOutStore {
  async conversation(practiceId: string, id: string): Promise<ConversationRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.conversation(practiceId, id), ConsistentRead: true }));
    return out.Item && !out.Item['deletingAt'] ? conversationFrom(out.Item) : null;
  }

  async statesOf(practiceId: string, conversationId: string, parties: readonly PartyRef[]): Promise<StateRecord[]> {
    const out: Item[] = [];
    for (let i = 0; i < parties.length; i += 100) {
      let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = {
        [tableName]: { Keys: parties.slice(i, i + 100).map((p) => keys.participantState(practiceId, conversationId, p.type, p.id)), ConsistentRead: true },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await pause(attempt);
        const res = await dynamo.send(new BatchGetCommand({ RequestItems: request }));
        out.push(...(res.Responses?.[tableName] ?? []));
        request = res.UnprocessedKeys as typeof request;
      }
    }
    return out.map(stateFrom);
  }

  async write(practiceId: string, c: ConversationRecord, chunk: ParticipantChunk, writes: readonly FanOutWrite[]): Promise<'gone' | PartyRef[]> {
    const stale: PartyRef[] = [];
    const check: TransactItem = {
      ConditionCheck: { TableName: tableName, Key: keys.conversation(practiceId, c.id), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletingAt)' },
    };
    for (let i = 0; i < writes.length; i += WRITES_PER_TRANSACTION) {
      let group = writes.slice(i, i + WRITES_PER_TRANSACTION);
      for (let attempt = 1; group.length > 0; attempt++) {
        try {
          await dynamo.send(new TransactWriteCommand({ TransactItems: [check, ...group.map((w) => transactItem(practiceId, c, chunk, w))] }));
          break;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException) || attempt >= CONFLICT_ATTEMPTS) throw error;
          const reasons = error.CancellationReasons ?? [];
          if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'gone';
          const failed = new Set(reasons.flatMap((r, j) => (j > 0 && r.Code === 'ConditionalCheckFailed' ? [j - 1] : [])));
          // A delivery or pointer already there stays as it is; a state changed since read is read again.
          for (const j of failed) {
            const w = group[j] as FanOutWrite;
            if (w.kind === 'state') stale.push(w.state.party);
          }
          if (failed.size === 0) await pause(attempt);
          group = group.filter((_, j) => !failed.has(j));
        }
      }
    }
    return stale;
  }

  async done(chunk: ParticipantChunk): Promise<void> {
    await dynamo.send(
      new DeleteCommand({ TableName: tableName, Key: keys.participantChunk(chunk.practiceId, chunk.conversationId, chunk.messageId, chunk.index) }),
    );
  }
}
