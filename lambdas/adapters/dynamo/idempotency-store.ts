/**
 * Idempotency records in the practice's own key space (`P#<practice>#IDEM#<scope>`), not in
 * Powertools' single static partition, so one busy practice cannot heat a partition shared by all.
 * A conditional Put claims a key (or an expired record of it) until the request's deadline; the
 * answer is stored as JSON and kept for the TTL, either by `complete` or inside the write that
 * commits it (`answerWrite`, one more item of that write's transaction). Completing and releasing
 * touch the record only while this request's claim holds it.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { conflict } from '../../domain/errors.js';
import { pendingAnswer, type IdempotencyKey, type IdempotencyRecord, type IdempotencyStore, type PendingAnswer } from '../../http/idempotency.js';
import type { HttpResponse } from '../../http/responses.js';
import { dynamo, tableName } from './client.js';
import { transact, type TransactItem } from './conditional-writes.js';
import { keys } from './keys.js';

const itemKey = (k: IdempotencyKey) => keys.idempotency(k.practiceId, k.scope);

const ours = {
  ConditionExpression: '#claim = :claim',
  names: { '#claim': 'claimId' },
  values: (k: IdempotencyKey) => ({ ':claim': k.claimId }),
};

const answerUpdate = (k: IdempotencyKey, response: HttpResponse, expiresAt: number) => ({
  TableName: tableName,
  Key: itemKey(k),
  UpdateExpression: 'SET #state = :done, #response = :response, #ttl = :ttl',
  ConditionExpression: ours.ConditionExpression,
  ExpressionAttributeNames: { '#state': 'state', '#response': 'response', '#ttl': 'ttl', ...ours.names },
  ExpressionAttributeValues: { ':done': 'done', ':response': JSON.stringify(response), ':ttl': expiresAt, ...ours.values(k) },
});

/** The stored answer as an item of a TransactWriteItems: it commits (or not) with the write it answers. */
export const answerWrite = ({ key, response, expiresAt }: PendingAnswer) => ({ Update: answerUpdate(key, response, expiresAt) });

const ignoreLostClaim = (error: unknown) => {
  // Our claim lapsed and another request holds the key now: the record is theirs.
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

export class DynamoIdempotencyStore implements IdempotencyStore {
  async claim(k: IdempotencyKey, bodyHash: string, now: number, claimUntil: number): Promise<IdempotencyRecord | null> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...itemKey(k), type: 'Idempotency', state: 'in_progress', claimId: k.claimId, bodyHash, ttl: claimUntil },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return null;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = (error.Item ?? {}) as Record<string, { S?: string } | undefined>;
      const response = old['state']?.S === 'done' && old['response']?.S ? (JSON.parse(old['response'].S) as HttpResponse) : null;
      return { bodyHash: old['bodyHash']?.S ?? '', response };
    }
  }

  async complete(k: IdempotencyKey, response: HttpResponse, expiresAt: number): Promise<void> {
    await dynamo.send(new UpdateCommand(answerUpdate(k, response, expiresAt))).catch(ignoreLostClaim);
  }

  async release(k: IdempotencyKey): Promise<void> {
    await dynamo
      .send(
        new DeleteCommand({
          TableName: tableName,
          Key: itemKey(k),
          ConditionExpression: ours.ConditionExpression,
          ExpressionAttributeNames: ours.names,
          ExpressionAttributeValues: ours.values(k),
        }),
      )
      .catch(ignoreLostClaim);
  }
}

/**
 * The write of a creating request, with the request's answer when it carries an Idempotency-Key:
 * `items` and the answer in one TransactWriteItems, so once the record exists its key holds the
 * answer and a retry gets it instead of creating a second record. Without a key (or outside a
 * request), `items` alone: a single item goes as a plain (cheaper) Put.
 */
export async function writeAnswered(items: TransactItem[], body: unknown): Promise<void> {
  const answer = body === undefined ? null : pendingAnswer(body);
  if (!answer) {
    const only = items.length === 1 ? items[0]?.Put : undefined;
    await (only ? dynamo.send(new PutCommand(only)) : transact(items));
    return;
  }
  const all = [...items, answerWrite(answer)];
  try {
    await transact(all);
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[all.length - 1]?.Code === 'ConditionalCheckFailed') {
      // This request's claim on its key lapsed and another request holds it now: nothing was written.
      throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
    }
    throw error;
  }
  answer.committed();
}
