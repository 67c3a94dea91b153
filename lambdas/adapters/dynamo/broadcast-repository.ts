/**
 * Broadcasts in the single table (docs/data-model.md, "Broadcasts"): the broadcast item (status,
 * counters), its audience parts (written with it and the request's answer in one transaction),
 * its chunks of member references (each fans out off the stream) and one marker per counted
 * chunk. The recipients' own items are written by broadcast-recipients.ts.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Audience, BroadcastCounts, BroadcastRecipient, BroadcastRecord, BroadcastRepository, ChunkTally, Excluded } from '../../use-cases/broadcasts/ports.js';
import type { MemberRef } from '../../use-cases/contacts/ports.js';
import { batchPut } from './batch-io.js';
import { alreadyWritten, writeRecipients } from './broadcast-recipients.js';
import { dynamo, isConditionFailure, tableName } from './client.js';
import { putItem, transact } from './conditional-writes.js';
import { writeAnswered } from './idempotency-store.js';
import { keys } from './keys.js';

type Item = Record<string, unknown>;

/** Audience ids per part item: 2,500 ids of up to 128 characters stay well under 400 KB. */
const IDS_PER_PART = 2_500;
const EXCLUDED_KEYS = ['blocked', 'chatDisabled', 'noAddress', 'optedOut', 'archived'] as const;
const zeroResolved = { recipients: 0, blocked: 0, chatDisabled: 0, noAddress: 0, optedOut: 0, archived: 0 };

function recordFrom(i: Item): BroadcastRecord {
  const status = i['status'] as BroadcastRecord['status'];
  const resolved = (i['resolved'] as Record<string, number> | undefined) ?? zeroResolved;
  const preparing = status === 'preparing';
  return {
    id: i['id'] as string,
    channel: i['channel'] as BroadcastRecord['channel'],
    subject: (i['subject'] as string | undefined) ?? null,
    body: i['body'] as string,
    sender: i['sender'] as BroadcastRecord['sender'],
    status,
    recipients: preparing ? null : (resolved['recipients'] ?? 0),
    excluded: preparing ? null : (Object.fromEntries(EXCLUDED_KEYS.map((k) => [k, resolved[k] ?? 0])) as unknown as Excluded),
    counts: i['counts'] as BroadcastCounts,
    createdAt: i['createdAt'] as string,
  };
}

export class DynamoBroadcastRepository implements BroadcastRepository {
  async create(practiceId: string, b: BroadcastRecord, audience: Audience, answer: unknown): Promise<void> {
    const refs = [...audience.patientIds.map((id) => `p:${id}`), ...audience.contactIds.map((id) => `c:${id}`), ...audience.groupIds.map((id) => `g:${id}`)];
    const parts: string[][] = [];
    for (let i = 0; i < refs.length; i += IDS_PER_PART) parts.push(refs.slice(i, i + IDS_PER_PART));
    const { recipients: _r, excluded: _e, ...stored } = b;
    await writeAnswered(
      [
        putItem(
          { ...keys.broadcast(practiceId, b.id), type: 'Broadcast', practiceId, ...stored, subject: b.subject ?? undefined, resolved: zeroResolved, chunksDone: 0, parts: parts.length },
          'attribute_not_exists(pk)',
        ),
        ...parts.map((members, index) => putItem({ ...keys.broadcastAudience(practiceId, b.id, index), type: 'BroadcastAudience', members })),
      ],
      answer,
    );
  }

  async get(practiceId: string, id: string): Promise<BroadcastRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.broadcast(practiceId, id), ConsistentRead: true }));
    return out.Item ? recordFrom(out.Item) : null;
  }

  async audience(practiceId: string, id: string): Promise<Audience> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.broadcast(practiceId, id), ConsistentRead: true, ProjectionExpression: 'parts' }));
    const parts = (out.Item?.['parts'] as number | undefined) ?? 0;
    const audience: Audience = { patientIds: [], contactIds: [], groupIds: [] };
    for (let index = 0; index < parts; index++) {
      const part = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.broadcastAudience(practiceId, id, index), ConsistentRead: true }));
      for (const ref of (part.Item?.['members'] as string[] | undefined) ?? []) {
        const value = ref.slice(2);
        (ref.startsWith('p:') ? audience.patientIds : ref.startsWith('c:') ? audience.contactIds : audience.groupIds).push(value);
      }
    }
    return audience;
  }

  async writeChunks(practiceId: string, id: string, chunks: readonly MemberRef[][]): Promise<void> {
    await batchPut(
      chunks.map((members, index) => ({
        ...keys.broadcastChunk(practiceId, id, index),
        type: 'BroadcastChunk',
        practiceId,
        broadcastId: id,
        index,
        members: members.map((m) => `${m.type === 'patient' ? 'p' : 'c'}:${m.id}`),
      })),
    );
  }

  async prepared(practiceId: string, id: string, chunks: number): Promise<void> {
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.broadcast(practiceId, id),
        UpdateExpression: 'SET chunks = :n',
        ExpressionAttributeValues: { ':n': chunks },
        ReturnValues: 'ALL_NEW',
      }),
    );
    await this.advance(practiceId, id, out.Attributes);
  }

  alreadyWritten(practiceId: string, b: BroadcastRecord, recipients: readonly BroadcastRecipient[]): Promise<Set<string>> {
    return alreadyWritten(practiceId, b, recipients);
  }

  writeRecipients(practiceId: string, b: BroadcastRecord, recipients: readonly BroadcastRecipient[], notifyBlocked: ReadonlySet<string>): Promise<void> {
    return writeRecipients(practiceId, b, recipients, notifyBlocked);
  }

  async completeChunk(practiceId: string, id: string, index: number, t: ChunkTally): Promise<boolean> {
    const adds: [string, number][] = [
      ['resolved.recipients', t.recipients],
      ...EXCLUDED_KEYS.map((k): [string, number] => [`resolved.${k}`, t.excluded[k]]),
      ['counts.queued', t.queued],
      ['counts.delivered', t.delivered],
      ['chunksDone', 1],
    ];
    try {
      await transact([
        putItem({ ...keys.broadcastChunkDone(practiceId, id, index), type: 'BroadcastChunkDone' }, 'attribute_not_exists(pk)'),
        {
          Update: {
            TableName: tableName,
            Key: keys.broadcast(practiceId, id),
            UpdateExpression: `ADD ${adds.map(([path], i) => `${path} :a${i}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: Object.fromEntries(adds.map(([, n], i) => [`:a${i}`, n])),
          },
        },
      ]);
    } catch (error) {
      if (error instanceof TransactionCanceledException && isConditionFailure(error)) return false; // counted before
      throw error;
    }
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.broadcast(practiceId, id), ConsistentRead: true }));
    await this.advance(practiceId, id, out.Item);
    return true;
  }

  /**
   * Adds settled outcomes: one UpdateItem (`ADD counts.<name> :n`, e.g. `{ sent: 1, queued: -1 }`
   * from the dispatcher, `{ delivered: 1 }` from a receipt); the status moves on only when this
   * change settles the last delivery.
   */
  async progress(practiceId: string, id: string, change: Partial<BroadcastCounts>): Promise<void> {
    const entries = Object.entries(change).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.broadcast(practiceId, id),
        UpdateExpression: `ADD ${entries.map((_, i) => `counts.#c${i} :n${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:n${i}`, n])),
        ReturnValues: 'ALL_NEW',
      }),
    ).catch((e: unknown) => {
      if (isConditionFailure(e)) return { Attributes: undefined }; // no such broadcast: nothing to count
      throw e;
    });
    await this.advance(practiceId, id, out.Attributes);
  }

  /** After counts were added elsewhere (a tally's transaction): reads the broadcast and moves its status on. */
  async advanceAfterCount(practiceId: string, id: string): Promise<void> {
    const out = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.broadcast(practiceId, id), ConsistentRead: true, ProjectionExpression: '#status, chunks, chunksDone, counts', ExpressionAttributeNames: { '#status': 'status' } }),
    );
    await this.advance(practiceId, id, out.Item);
  }

  /** preparing → sending once every chunk is counted; → done when nothing is left queued. Each change written once. */
  private async advance(practiceId: string, id: string, item: Item | undefined): Promise<void> {
    if (!item || item['status'] === 'done') return;
    const chunks = item['chunks'] as number | undefined;
    if (chunks === undefined || ((item['chunksDone'] as number | undefined) ?? 0) < chunks) return;
    const queued = (item['counts'] as BroadcastCounts | undefined)?.queued ?? 0;
    const next = queued <= 0 ? 'done' : 'sending';
    if (item['status'] === next) return;
    await dynamo
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.broadcast(practiceId, id),
          UpdateExpression: 'SET #status = :next',
          ConditionExpression: next === 'done' ? '#status <> :next' : '#status = :preparing',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':next': next, ...(next === 'done' ? {} : { ':preparing': 'preparing' }) },
        }),
      )
      .catch((e: unknown) => {
        if (!isConditionFailure(e)) throw e;
      });
  }
}

