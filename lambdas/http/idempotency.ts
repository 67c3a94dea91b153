/**
 * Idempotency-Key on creating POSTs: the same key with the same body within the TTL returns
 * the first answer and creates nothing new; with a different body, 409 idempotency_key_reused.
 *
 * Records live in the practice's own key space (`P#<practice>#IDEM#<caller>#<route>#<key>`),
 * not in Powertools' single static partition, so one busy practice cannot heat a partition
 * shared by all. Flow: a conditional Put claims the key; the route runs; the answer is stored.
 * A failure releases the key, so a corrected retry with the same key is possible.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { conflict, validationFailed } from '../domain/errors.js';
import { config } from '../config.js';
import { dynamo, tableName } from '../adapters/dynamo/client.js';
import { keys } from '../adapters/dynamo/keys.js';
import type { Request } from './handler.js';
import type { HttpResponse } from './responses.js';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** Canonical JSON: object keys sorted, so `{a,b}` and `{b,a}` are one body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export async function idempotent(req: Request, run: () => Promise<HttpResponse>): Promise<HttpResponse> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return run();
  if (!KEY.test(key)) {
    throw validationFailed([{ path: 'Idempotency-Key', message: 'Must be 1-255 visible ASCII characters' }]);
  }
  const scope = sha256([req.caller.id, req.routeKey, canonicalJson(req.params), key].join('\u0000'));
  const itemKey = keys.idempotency(req.caller.practiceId, scope);
  const bodyHash = sha256(canonicalJson(req.body ?? null));
  const now = Math.floor(Date.now() / 1000);

  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...itemKey, type: 'Idempotency', state: 'in_progress', bodyHash, ttl: now + config.IDEMPOTENCY_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': now },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = (error.Item ?? {}) as Record<string, { S?: string; N?: string }>;
    if (old['bodyHash']?.S !== bodyHash) {
      throw conflict('idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
    }
    if (old['state']?.S !== 'done' || !old['response']?.S) {
      throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
    }
    return JSON.parse(old['response'].S) as HttpResponse;
  }

  let response: HttpResponse;
  try {
    response = await run();
  } catch (error) {
    await dynamo.send(new DeleteCommand({ TableName: tableName, Key: itemKey }));
    throw error;
  }
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName,
      Key: itemKey,
      UpdateExpression: 'SET #state = :done, #response = :response',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      ExpressionAttributeValues: { ':done': 'done', ':response': JSON.stringify(response) },
    }),
  );
  return response;
}
