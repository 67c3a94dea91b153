/**
 * One send as one TransactWriteItems: the conversation (created, or its activity moved
 * forward), the message and its deliveries, each participant's state, the patients'
 * correspondence pointers, provider–patient pairs, the call-log pointer, and the answer kept
 * for the request's Idempotency-Key (so a committed send keeps its answer, whatever fails later).
 * A send larger than one transaction (a large conversation) keeps the conversation, the message,
 * the author's state, the deliveries that fit and the answer, and writes participant chunk items
 * in their place: the stream writes the rest (use-cases/conversations/participants-fanout.ts).
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { conflict } from '../../domain/errors.js';
import { pendingAnswer, type PendingAnswer } from '../../http/idempotency.js';
import { DraftGone, PairTaken, WriteConflict, type SendPlan } from '../../use-cases/conversations/ports.js';
import { splitPlan, type SplitPlan } from '../../use-cases/conversations/participants-fanout.js';
import { dynamo, tableName } from './client.js';
import { conversationItem, correspondenceWrite, deliveryItem, stateWrite } from './conversation-items.js';
import { answerWrite } from './idempotency-store.js';
import { keys } from './keys.js';

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
      UpdateExpression: `SET lastMessageAt = :at, lastDirection = :dir, participants = :participants${c.lookups ? ', lookups = :lookups' : ' REMOVE lookups'}`,
      // Activity only moves forward, and nothing joins a conversation being deleted. A send that
      // tolerates concurrent sends also holds only while nobody joined since its read; when a newer
      // message got there first, it is written late (see lateItems). A racing writer that fails
      // otherwise retries from a fresh read (or finds the conversation gone).
      ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(deletingAt) AND lastMessageAt < :at${tolerant ? ' AND size(participants) = :read' : ''}`,
      ExpressionAttributeValues: {
        ':at': c.lastMessageAt,
        ':dir': c.lastDirection,
        ':participants': c.participants,
        ...(c.lookups ? { ':lookups': c.lookups } : {}),
        ...(tolerant ? { ':read': plan.readParticipants } : {}),
      },
      ...(tolerant ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
    },
  };
}

/**
 * A message older than the conversation's newest, written after it: the message, its deliveries
 * and the correspondence pointers only. The conversation's activity and every participant's
 * state already follow the newer message, which is what they would be had the two been written
 * in order.
 */
const lateItems = (practiceId: string, { plan, deliveryCount, chunks }: SplitPlan): TransactItem[] => [
  {
    ConditionCheck: {
      TableName: tableName,
      Key: keys.conversation(practiceId, plan.conversation.id),
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletingAt)',
    },
  },
  ...messageWrites(practiceId, plan, deliveryCount),
  ...correspondenceWrites(practiceId, plan),
  ...chunkWrites(practiceId, chunks),
  ...draftWrites(practiceId, plan),
];

/** The draft a send is made from, deleted with it; a draft already gone cancels the send (sent at most once). */
const draftWrites = (practiceId: string, { fromDraft }: SendPlan): TransactItem[] =>
  fromDraft
    ? [
        {
          Delete: {
            TableName: tableName,
            Key: keys.draft(practiceId, fromDraft.author.type, fromDraft.author.id, fromDraft.id),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ]
    : [];

/** The cancellation was the draft's: it was sent or deleted meanwhile. */
const draftWasGone = (items: TransactItem[], error: TransactionCanceledException): boolean =>
  items.some((item, i) => item.Delete !== undefined && error.CancellationReasons?.[i]?.Code === 'ConditionalCheckFailed');

/** Participant chunks of a large send: each is fanned out off the stream. */
const chunkWrites = (practiceId: string, chunks: SplitPlan['chunks']): TransactItem[] =>
  chunks.map((chunk) => ({
    Put: {
      TableName: tableName,
      Item: { ...keys.participantChunk(practiceId, chunk.conversationId, chunk.messageId, chunk.index), type: 'ParticipantChunk', practiceId, ...chunk },
    },
  }));

/** The conversation as a cancelled send found it (raw attribute values or plain): only a newer message got there first? */
function newerMessageWon(plan: SendPlan, found: Record<string, unknown> | undefined): boolean {
  if (!found || plan.readParticipants === undefined || plan.conversation.participants.length !== plan.readParticipants) return false;
  const plain = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (Object.values(v)[0] as unknown) : v);
  const last = plain(found['lastMessageAt']);
  const participants = plain(found['participants']);
  return (
    found['deletingAt'] === undefined &&
    Array.isArray(participants) &&
    participants.length === plan.readParticipants &&
    typeof last === 'string' &&
    last >= plan.conversation.lastMessageAt
  );
}


/** The message (with its total delivery count) and the deliveries this transaction holds (the first ones). */
function messageWrites(practiceId: string, plan: SendPlan, deliveryCount: number): TransactItem[] {
  const { conversation: c, message: m } = plan;
  const { deliveries, ...message } = m;
  return [
    { Put: { TableName: tableName, Item: { ...keys.message(practiceId, c.id, m.id), type: 'Message', ...message, deliveryCount } } },
    ...deliveries.map((d, i) => ({ Put: { TableName: tableName, Item: { ...deliveryItem(practiceId, c.id, m, i, d), ...carriedText(m, d) } } })),
  ];
}

/** The most text a delivery carries (the item stays well under 1 KB). */
const CARRIED_TEXT_MAX_BYTES = 400;

/** A short SMS or WhatsApp text without files rides on its delivery: the dispatcher sends it without reading the message. */
const carriedText = (m: SendPlan['message'], d: SendPlan['message']['deliveries'][number]): { text?: string } =>
  (d.channel === 'sms' || d.channel === 'whatsapp') && m.attachments.length === 0 && Buffer.byteLength(m.body, 'utf8') <= CARRIED_TEXT_MAX_BYTES
    ? { text: m.body }
    : {};

const correspondenceWrites = (practiceId: string, { conversation: c, message: m, correspondenceOf }: SendPlan): TransactItem[] =>
  correspondenceOf.map((patientId) => correspondenceWrite(practiceId, c.id, m, patientId));

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

const onlyTransactionConflicts = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).every((r) => r.Code === 'None' || r.Code === 'TransactionConflict') &&
  (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');

/**
 * One TransactWriteItems. Cancelled only because another transaction held one of the items at
 * that moment (no condition failed), the same write is valid and is sent again after a short
 * jittered pause, without reading and deciding again; other cancellations go to the caller.
 */
async function transactWrite(items: TransactItem[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !onlyTransactionConflicts(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10 * 2 ** attempt, 200) * (0.5 + Math.random())));
    }
  }
}
const CONFLICT_ATTEMPTS = 6;
/** DynamoDB's limit on the items of one TransactWriteItems. */
const MAX_TRANSACTION_ITEMS = 100;

/** Writes the plan atomically; `PairTaken` when an exclusive pair exists, `WriteConflict` when raced. */
export async function sendPlan(practiceId: string, whole: SendPlan): Promise<void> {
  const split = splitPlan(whole, MAX_TRANSACTION_ITEMS - (whole.fromDraft ? 1 : 0));
  const { plan } = split;
  const items: TransactItem[] = [
    conversationWrite(practiceId, plan),
    ...messageWrites(practiceId, plan, split.deliveryCount),
    ...plan.states.map((s) => stateWrite(practiceId, plan.conversation, s)),
    ...correspondenceWrites(practiceId, plan),
  ];
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
  items.push(...chunkWrites(practiceId, split.chunks));
  items.push(...draftWrites(practiceId, plan));
  const answer = plan.answer === undefined ? null : pendingAnswer(plan.answer);
  try {
    await write(items, answer);
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    if (draftWasGone(items, error)) throw new DraftGone();
    const reasons = error.CancellationReasons ?? [];
    for (let i = 0; i < plan.pairs.length; i++) {
      if (reasons[pairIndex + i]?.Code === 'ConditionalCheckFailed') {
        const pair = plan.pairs[i] as SendPlan['pairs'][number];
        throw new PairTaken(pair.providerId, pair.patientId);
      }
    }
    const othersHeld = reasons.slice(1).every((r) => r.Code !== 'ConditionalCheckFailed');
    if (reasons[0]?.Code === 'ConditionalCheckFailed' && othersHeld && newerMessageWon(plan, reasons[0].Item as Record<string, unknown> | undefined)) {
      try {
        await write(lateItems(practiceId, split), answer);
        return;
      } catch (late) {
        if (late instanceof TransactionCanceledException && draftWasGone(lateItems(practiceId, split), late)) throw new DraftGone();
        throw late instanceof TransactionCanceledException ? raced(late) : late;
      }
    }
    throw raced(error);
  }
}

/** The items plus the request's answer (kept for its Idempotency-Key), written together. */
async function write(items: TransactItem[], answer: PendingAnswer | null): Promise<void> {
  const all = answer ? [...items, answerWrite(answer)] : items;
  if (all.length > MAX_TRANSACTION_ITEMS) throw new Error(`send plan of ${all.length} items exceeds one transaction`);
  try {
    await transactWrite(all);
  } catch (error) {
    if (answer && error instanceof TransactionCanceledException && error.CancellationReasons?.[all.length - 1]?.Code === 'ConditionalCheckFailed') {
      // This request's claim on its Idempotency-Key lapsed and another request holds it now.
      throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
    }
    throw error;
  }
  answer?.committed();
}

/** A cancellation by a condition or another transaction: the use case reads again and decides again. */
function raced(error: TransactionCanceledException): Error {
  const reasons = error.CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ConditionalCheckFailed') ? new WriteConflict() : error;
}
