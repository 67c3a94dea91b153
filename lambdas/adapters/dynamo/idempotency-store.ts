/**
 * Idempotency records in the practice's own key space (`P#<practice>#IDEM#<scope>`), not in
 * Powertools' single static partition, so one busy practice cannot heat a partition shared by all.
 * A conditional Put claims a key (or an expired record of it); the answer is stored as JSON.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { IdempotencyKey, IdempotencyRecord, IdempotencyStore } from '../../http/idempotency.js';
import type { HttpResponse } from '../../http/responses.js';
import { dynamo, tableName } from './client.js';
import { keys } from './keys.js';

const itemKey = (k: IdempotencyKey) => keys.idempotency(k.practiceId, k.scope);

export class DynamoIdempotencyStore implements IdempotencyStore {
  async claim(k: IdempotencyKey, bodyHash: string, now: number, expiresAt: number): Promise<IdempotencyRecord | null> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...itemKey(k), type: 'Idempotency', state: 'in_progress', bodyHash, ttl: expiresAt },
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

  async complete(k: IdempotencyKey, response: HttpResponse): Promise<void> {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: itemKey(k),
        UpdateExpression: 'SET #state = :done, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':response': JSON.stringify(response) },
      }),
    );
  }

  async release(k: IdempotencyKey): Promise<void> {
    await dynamo.send(new DeleteCommand({ TableName: tableName, Key: itemKey(k) }));
  }
}
