/**
 * Inbound messages in the single table. One TransactWriteItems stores a message: the claim of its
 * provider id (`P#<p>#INMSG#<provider>#<id>`, put only where none exists, so concurrent retries
 * cannot both store it), the conversation (created, or its activity moved forward), the message
 * (no deliveries: nothing is sent), each participant's state and the patients' correspondence
 * pointers. Threading reads: a sent delivery by its provider message id (gsi3), and a party's
 * newest conversation on a channel (its inbox, then its archive, on gsi1).
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Channel } from '../../domain/conversation-policy.js';
import { WriteConflict, type PartyRef } from '../../use-cases/conversations/ports.js';
import { AlreadyStored, type InboundPlan, type InboundStore } from '../../use-cases/inbound/ports.js';
import type { InboundProvider } from '../../use-cases/inbound/events.js';
import { dynamo, isConditionFailure, tableName } from './client.js';
import { conversationItem, correspondenceWrite, sentDeliveryItems, stateWrite } from './conversation-items.js';
import type { TransactItem } from './conditional-writes.js';
import { transact } from './conditional-writes.js';
import { keys } from './keys.js';

/** The claim of a provider id: which message (or quarantine record) it became. */
export const inboundClaim = (practiceId: string, provider: InboundProvider, providerMessageId: string, at: string, target: Record<string, string>): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: { ...keys.inboundOnce(practiceId, provider, providerMessageId), type: 'InboundClaim', provider, providerMessageId, at, ...target },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** Runs a transaction whose first item is a provider-id claim: `AlreadyStored` when the claim was taken, `WriteConflict` when raced. */
export async function claimedTransact(items: TransactItem[]): Promise<void> {
  try {
    await transact(items);
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new AlreadyStored();
    if (reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) throw new WriteConflict();
    throw error;
  }
}

function conversationWrite(practiceId: string, plan: InboundPlan): TransactItem {
  const c = plan.conversation;
  if (plan.isNew) {
    return { Put: { TableName: tableName, Item: conversationItem(practiceId, c), ConditionExpression: 'attribute_not_exists(pk)' } };
  }
  return {
    Update: {
      TableName: tableName,
      Key: keys.conversation(practiceId, c.id),
      UpdateExpression: 'SET lastMessageAt = :at, lastDirection = :dir',
      // Activity moves forward only; nothing joins a conversation being deleted; nobody joined since the read.
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletingAt) AND lastMessageAt < :at AND size(participants) = :n',
      ExpressionAttributeValues: { ':at': c.lastMessageAt, ':dir': c.lastDirection, ':n': c.participants.length },
    },
  };
}

export class DynamoInboundStore implements InboundStore {
  async seen(practiceId: string, provider: InboundProvider, providerMessageId: string): Promise<boolean> {
    const out = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.inboundOnce(practiceId, provider, providerMessageId), ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  async store(practiceId: string, plan: InboundPlan): Promise<void> {
    const { conversation: c, message: m } = plan;
    const items: TransactItem[] = [
      inboundClaim(practiceId, plan.provider, plan.providerMessageId, m.createdAt, { conversationId: c.id, messageId: m.id }),
      conversationWrite(practiceId, plan),
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.message(practiceId, c.id, m.id), type: 'Message', ...m, direction: 'inbound', deliveryCount: 0 },
        },
      },
      ...plan.states.map((s) => stateWrite(practiceId, c, s)),
      ...plan.correspondenceOf.map((patientId) => correspondenceWrite(practiceId, c.id, m, patientId)),
    ];
    if (items.length > 100) throw new Error(`inbound plan of ${items.length} items exceeds one transaction`);
    await claimedTransact(items);
  }

  async claimInboundContact(practiceId: string, type: 'email' | 'phone', address: string, contactId: string): Promise<string> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.inboundContact(practiceId, type, address), type: 'InboundContactClaim', contactId },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return contactId;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.inboundContact(practiceId, type, address), ConsistentRead: true }));
      return out.Item?.['contactId'] as string;
    }
  }

  async conversationOfSent(practiceId: string, providerMessageIds: readonly string[]): Promise<string | null> {
    for (const id of providerMessageIds) {
      const conversationId = (await sentDeliveryItems(practiceId, id, 1))[0]?.['conversationId'];
      if (typeof conversationId === 'string') return conversationId;
    }
    return null;
  }

  async latestConversation(practiceId: string, party: PartyRef, channel: Channel): Promise<string | null> {
    const [open, archived] = await Promise.all([
      newestOn(keys.inbox(practiceId, party.type, party.id), channel),
      newestOn(keys.archive(practiceId, party.type, party.id), channel),
    ]);
    const newest = [open, archived].filter((x): x is { sk: string; id: string } => x !== null).sort((a, b) => b.sk.localeCompare(a.sk))[0];
    return newest?.id ?? null;
  }
}

/** The newest state on a gsi1 partition (inbox or archive) whose conversation is on `channel`: a few pages at most. */
async function newestOn(gsi1pk: string, channel: Channel): Promise<{ sk: string; id: string } | null> {
  let startKey: Record<string, unknown> | undefined;
  for (let round = 0; round < 5; round++) {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: '#channel = :channel',
        ExpressionAttributeNames: { '#channel': 'channel' },
        ExpressionAttributeValues: { ':pk': gsi1pk, ':channel': channel },
        ProjectionExpression: 'conversationId, gsi1sk',
        ScanIndexForward: false,
        Limit: 50,
        ExclusiveStartKey: startKey,
      }),
    );
    const item = out.Items?.[0];
    if (item) return { sk: item['gsi1sk'] as string, id: item['conversationId'] as string };
    startKey = out.LastEvaluatedKey;
    if (!startKey) break;
  }
  return null;
}
