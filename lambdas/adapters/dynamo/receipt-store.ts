/**
 * Delivery receipts: a sent delivery found by its provider message id (gsi3, in the practice's
 * key space), moved forward by a conditional update on its `statusRank` (a delivery the
 * dispatcher marked `sent` has none: rank 1), and the broadcast's counts shifted by one small
 * UpdateItem.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReceiptStatus, ReceiptStore, SentDelivery } from '../../use-cases/inbound/ports.js';
import { dynamo, isConditionFailure, tableName } from './client.js';
import { sentDeliveryItems } from './conversation-items.js';
import { keys } from './keys.js';

/** Statuses a receipt may move: what the dispatcher ends a handed-over delivery with, and what receipts set. */
const MOVABLE = ['sent', 'delivered', 'read', 'failed', 'bounced'];
const SENT_RANK = 1;

export class DynamoReceiptStore implements ReceiptStore {
  async find(practiceId: string, providerMessageId: string): Promise<SentDelivery[]> {
    return (await sentDeliveryItems(practiceId, providerMessageId)).map((item) => ({
      practiceId,
      conversationId: item['conversationId'] as string,
      sk: item['sk'] as string,
      status: item['status'] as string,
      channel: item['channel'] as SentDelivery['channel'],
      address: (item['address'] as string | undefined) ?? null,
      ...(typeof item['broadcastId'] === 'string' ? { broadcastId: item['broadcastId'] } : {}),
    }));
  }

  async advance(d: SentDelivery, status: ReceiptStatus, rank: number, at: string, errorCode?: string): Promise<string | null> {
    const failure = status === 'failed' || status === 'bounced';
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: keys.conversationPk(d.practiceId, d.conversationId), sk: d.sk },
          UpdateExpression: `SET #status = :status, statusRank = :rank, statusAt = :at${
            failure ? `, #error = :error` : ''
          }${failure ? '' : ' REMOVE #error'}`,
          ConditionExpression:
            '#status IN (:s0, :s1, :s2, :s3, :s4) AND ((attribute_not_exists(statusRank) AND :rank > :sentRank) OR statusRank < :rank)',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':status': status,
            ':rank': rank,
            ':at': at,
            ':sentRank': SENT_RANK,
            ...Object.fromEntries(MOVABLE.map((s, i) => [`:s${i}`, s])),
            ...(failure ? { ':error': errorCode ?? (status === 'bounced' ? 'bounced' : 'provider_failed') } : {}),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return (out.Attributes?.['status'] as string | undefined) ?? null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }
}

/** A broadcast's counts follow a receipt: one UpdateItem (`ADD counts.<from> -1, counts.<to> 1`), nothing else. */
export async function shiftBroadcastCounts(practiceId: string, broadcastId: string, change: Record<string, number>): Promise<void> {
  const entries = Object.entries(change).filter(([, n]) => n !== 0);
  if (entries.length === 0) return;
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.broadcast(practiceId, broadcastId),
      UpdateExpression: `ADD ${entries.map((_, i) => `counts.#c${i} :n${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:n${i}`, n])),
    }),
  ).catch((error: unknown) => {
    if (!isConditionFailure(error)) throw error;
  });
}
