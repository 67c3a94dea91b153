/**
 * One send as one TransactWriteItems: the conversation (created, or its activity moved
 * forward), the message and its deliveries, each participant's state, the patients'
 * correspondence pointers, provider–patient pairs, the call-log pointer, and the answer kept
 * for the request's Idempotency-Key (so a committed send keeps its answer, whatever fails later).
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { conflict } from '../../domain/errors.js';
import { pendingAnswer } from '../../http/idempotency.js';
import { PairTaken, WriteConflict, type SendPlan } from '../../use-cases/conversations/ports.js';
import { dynamo, tableName } from './client.js';
import { conversationItem, statePut, stateSendUpdate } from './conversation-items.js';
import { answerWrite } from './idempotency-store.js';
import { keys } from './keys.js';
import { queuedLease } from './delivery-lease.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function conversationWrite(practiceId: string, plan: SendPlan): TransactItem {
  const c = plan.conversation;
  if (plan.isNew) {
    return { Put: { TableName: tableName, Item: conversationItem(practiceId, c), ConditionExpression: 'attribute_not_exists(pk)' } };
  }
  const tolerant = plan.readParticipants !== undefined;
  return {
    Update: {
      TableName: tableName,
      Key: keys.conversation(practiceId, c.id),
      UpdateExpression: 'SET lastMessageAt = :at, lastDirection = :dir, participants = :participants',
      // Nothing joins a conversation being deleted. A send that tolerates concurrent sends holds
      // while nobody joined since its read (concurrent replies may then leave the activity time of
      // whichever committed last, milliseconds apart); any other send only moves activity forward.
      // A racing writer that fails here retries from a fresh read (or finds the conversation gone).
      ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(deletingAt) AND ${tolerant ? 'size(participants) = :read' : 'lastMessageAt < :at'}`,
      ExpressionAttributeValues: {
        ':at': c.lastMessageAt,
        ':dir': c.lastDirection,
        ':participants': c.participants,
        ...(tolerant ? { ':read': plan.readParticipants } : {}),
      },
    },
  };
}

/** Each participant's state: over the archive and star read when the send says so, else over the version read. */
const stateWrite = (practiceId: string, plan: SendPlan, s: SendPlan['states'][number]): TransactItem =>
  s.readAs && s.version !== undefined
    ? { Update: stateSendUpdate(practiceId, plan.conversation, { ...s, readAs: s.readAs }) }
    : { Put: statePut(practiceId, plan.conversation, s) };

function messageWrites(practiceId: string, plan: SendPlan): TransactItem[] {
  const { conversation: c, message: m } = plan;
  const { deliveries, ...message } = m;
  return [
    { Put: { TableName: tableName, Item: { ...keys.message(practiceId, c.id, m.id), type: 'Message', ...message, deliveryCount: deliveries.length } } },
    ...deliveries.map((d, i) => ({
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
          ...queuedLease(practiceId, c.id, keys.delivery(practiceId, c.id, m.id, i).sk, d, m.createdAt),
        },
      },
    })),
  ];
}

const correspondenceWrites = (practiceId: string, { conversation: c, message: m, correspondenceOf }: SendPlan): TransactItem[] =>
  correspondenceOf.map((patientId) => ({
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
  }));

const pairWrites = (practiceId: string, plan: SendPlan): TransactItem[] =>
  plan.pairs.map((pair) => ({
    Update: {
      TableName: tableName,
      Key: keys.pair(practiceId, pair.providerId, pair.patientId),
      UpdateExpression: 'ADD conversations :c SET #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':c': new Set([plan.conversation.id]), ':type': 'ProviderPatientPair' },
      ...(pair.exclusive ? { ConditionExpression: 'attribute_not_exists(conversations)' } : {}),
    },
  }));

/** Writes the plan atomically; `PairTaken` when an exclusive pair exists, `WriteConflict` when raced. */
export async function sendPlan(practiceId: string, plan: SendPlan): Promise<void> {
  const items: TransactItem[] = [
    conversationWrite(practiceId, plan),
    ...messageWrites(practiceId, plan),
    ...plan.states.map((s) => stateWrite(practiceId, plan, s)),
    ...correspondenceWrites(practiceId, plan),
  ];
  const answer = plan.answer === undefined ? null : pendingAnswer(plan.answer);
  const answerIndex = items.length;
  if (answer) items.push(answerWrite(answer));
  const pairIndex = items.length;
  items.push(...pairWrites(practiceId, plan));
  if (plan.callLogOf) {
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...keys.callLog(practiceId, plan.callLogOf), type: 'CallLog', conversationId: plan.conversation.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (items.length > 100) throw new Error(`send plan of ${items.length} items exceeds one transaction`);

  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    answer?.committed();
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      for (let i = 0; i < plan.pairs.length; i++) {
        if (reasons[pairIndex + i]?.Code === 'ConditionalCheckFailed') {
          const pair = plan.pairs[i] as SendPlan['pairs'][number];
          throw new PairTaken(pair.providerId, pair.patientId);
        }
      }
      if (answer && reasons[answerIndex]?.Code === 'ConditionalCheckFailed') {
        // This request's claim on its Idempotency-Key lapsed and another request holds it now.
        throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
      }
      if (reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ConditionalCheckFailed')) throw new WriteConflict();
    }
    throw error;
  }
}
