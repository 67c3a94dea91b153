/** Delivery state for the dispatcher: conditional moves of the delivery item, and what it sends. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { AddressBarrier, Claim, DeliveryEnd, DeliveryStore, QueuedDelivery } from '../../use-cases/delivery-ports.js';
import { batchGetAll, dynamo, tableName } from './client.js';
import { keys } from './keys.js';

const deliveryKey = (d: QueuedDelivery) => ({ pk: keys.conversationPk(d.practiceId, d.conversationId), sk: d.sk });

export class DynamoDeliveryStore implements DeliveryStore {
  async claim(d: QueuedDelivery, at: string): Promise<Claim> {
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: deliveryKey(d),
          UpdateExpression: 'SET #status = :sending, sendingAt = :at ADD attempts :one',
          ConditionExpression: '#status = :queued',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':queued': 'queued', ':at': at, ':one': 1 },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true, attempt: (out.Attributes?.['attempts'] as number | undefined) ?? 1 };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const old = error.Item as Record<string, { S?: string }> | undefined;
        return {
          claimed: false,
          status: old?.['status']?.S ?? 'deleted',
          ...(old?.['sendingAt']?.S ? { sendingSince: old['sendingAt'].S } : {}),
        };
      }
      throw error;
    }
  }

  async finish(
    d: QueuedDelivery,
    outcome: DeliveryEnd,
    at: string,
  ): Promise<void> {
    const sent = outcome.status === 'sent';
    await dynamo
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: deliveryKey(d),
          UpdateExpression: sent
            ? 'SET #status = :status, providerMessageId = :pmid, sentAt = :at, gsi3pk = :g3pk, gsi3sk = :g3sk'
            : `SET #status = :status, settledAt = :at${'error' in outcome && outcome.error ? ', #error = :error' : ''}`,
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status', ...(!sent && 'error' in outcome && outcome.error ? { '#error': 'error' } : {}) },
          ExpressionAttributeValues: {
            ':status': outcome.status,
            ':sending': 'sending',
            ':at': at,
            ...(sent
              ? {
                  ':pmid': outcome.providerMessageId,
                  ':g3pk': keys.providerMessage(d.practiceId, outcome.providerMessageId).gsi3pk,
                  ':g3sk': keys.providerMessage(d.practiceId, outcome.providerMessageId).gsi3sk,
                }
              : 'error' in outcome && outcome.error
                ? { ':error': outcome.error }
                : {}),
          },
        }),
      )
      .catch((e: Error) => {
        // Deleted with its message meanwhile: nothing left to record.
        if (e.name !== 'ConditionalCheckFailedException') throw e;
      });
  }

  async release(d: QueuedDelivery, reason: string): Promise<void> {
    await dynamo
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: deliveryKey(d),
          UpdateExpression: 'SET #status = :queued, lastError = :reason REMOVE sendingAt',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued', ':sending': 'sending', ':reason': reason },
        }),
      )
      .catch((e: Error) => {
        if (e.name !== 'ConditionalCheckFailedException') throw e;
      });
  }

  async barrier(practiceId: string, type: 'email' | 'phone', value: string): Promise<AddressBarrier | null> {
    const block = keys.blockedAddress(practiceId, type, value);
    const suppression = keys.suppression(practiceId, type, value);
    const items = await batchGetAll([block, suppression]);
    if (items.some((i) => i['pk'] === block.pk)) return 'blocked';
    if (items.some((i) => i['pk'] === suppression.pk)) return 'suppressed';
    return null;
  }

  async suppress(practiceId: string, type: 'email' | 'phone', value: string, reason: string, at: string): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.suppression(practiceId, type, value), type: 'Suppression', addressType: type, value, reason, at },
      }),
    );
  }

  async content(d: QueuedDelivery): Promise<{ subject: string | null; body: string } | null> {
    // Only email has a subject: SMS and WhatsApp need the message alone.
    const [message, conversation] = await Promise.all([
      dynamo.send(new GetCommand({ TableName: tableName, Key: keys.message(d.practiceId, d.conversationId, d.messageId) })),
      d.channel === 'email'
        ? dynamo.send(new GetCommand({ TableName: tableName, Key: keys.conversation(d.practiceId, d.conversationId) }))
        : Promise.resolve({ Item: undefined }),
    ]);
    if (!message.Item) return null;
    return { subject: (conversation.Item?.['subject'] as string | undefined) ?? null, body: message.Item['body'] as string };
  }
}
