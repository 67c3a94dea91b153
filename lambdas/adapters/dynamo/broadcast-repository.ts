/** Broadcasts and their recipient chunks in the single table. */
import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { BroadcastCounts, BroadcastRecipient, BroadcastRecord, BroadcastRepository } from '../../use-cases/broadcasts.js';
import { dynamo, tableName } from './client.js';
import { keys } from './keys.js';

export class DynamoBroadcastRepository implements BroadcastRepository {
  async create(practiceId: string, b: BroadcastRecord, chunks: BroadcastRecipient[][]): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.broadcast(practiceId, b.id), type: 'Broadcast', practiceId, ...b },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    const items = chunks.map((recipients, index) => ({
      ...keys.broadcastChunk(practiceId, b.id, index),
      type: 'BroadcastChunk',
      practiceId,
      broadcastId: b.id,
      index,
      broadcast: b,
      recipients,
    }));
    for (let i = 0; i < items.length; i += 25) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const out: BatchWriteCommandOutput = await dynamo.send(new BatchWriteCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    }
  }

  async get(practiceId: string, id: string): Promise<BroadcastRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.broadcast(practiceId, id), ConsistentRead: true }));
    if (!out.Item) return null;
    const { pk: _pk, sk: _sk, type: _type, practiceId: _p, ...record } = out.Item;
    return record as BroadcastRecord;
  }

  async progress(practiceId: string, id: string, change: Partial<BroadcastCounts>): Promise<void> {
    const entries = Object.entries(change).filter(([, n]) => n !== 0);
    const key = keys.broadcast(practiceId, id);
    let status: string | undefined;
    let queued: number | undefined;
    if (entries.length > 0) {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: `ADD ${entries.map((_, i) => `counts.#c${i} :n${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:n${i}`, n])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      status = out.Attributes?.['status'] as string | undefined;
      queued = (out.Attributes?.['counts'] as BroadcastCounts | undefined)?.queued;
    } else {
      status = 'queued';
    }
    // The status changes twice in a broadcast's life: write it only then (queued → sending → done).
    const next = queued !== undefined && queued <= 0 ? 'done' : 'sending';
    if (status === next || status === 'done') return;
    await dynamo
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET #status = :status',
          ConditionExpression: '#status <> :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': next, ':done': 'done' },
        }),
      )
      .catch((e: Error) => {
        if (e.name !== 'ConditionalCheckFailedException') throw e;
      });
  }
}
