/**
 * Attachment records (`P#<p>#ATT#<id>` / `ATT`): created pending, settled once (ready or
 * rejected) by a conditional update, and marked with each message that carries them
 * (`attachedTo`, a string set of `<conversationId>#<messageId>`). Pending records carry a `ttl`
 * (a day, like the lifecycle rule on never-completed objects); settling ready removes it.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../../domain/caller.js';
import type { Party } from '../../domain/conversation-policy.js';
import type { CarrierReader } from '../../use-cases/attachments/download.js';
import type { AttachmentRecord, AttachmentRepository, CompleteOutcome } from '../../use-cases/attachments/ports.js';
import { batchGetAll, dynamo, isConditionFailure, tableName } from './client.js';
import { getByIds } from './get-by-ids.js';
import { keys } from './keys.js';

type Item = Record<string, unknown>;

/** A pending record (and a rejected one) is removed by TTL a day after its upload expired. */
const PENDING_TTL_SECONDS = 24 * 60 * 60;
const ttlAfter = (iso: string, seconds: number) => Math.floor(Date.parse(iso) / 1000) + seconds;

export const attachmentFrom = (item: Item): AttachmentRecord => ({
  id: item['id'] as string,
  owner: item['owner'] as AttachmentRecord['owner'],
  fileName: item['fileName'] as string,
  contentType: item['contentType'] as string,
  declaredSize: item['declaredSize'] as number,
  ...(typeof item['size'] === 'number' ? { size: item['size'] } : {}),
  status: item['status'] as AttachmentRecord['status'],
  ...(item['reason'] ? { reason: item['reason'] as string } : {}),
  key: item['key'] as string,
  createdAt: item['createdAt'] as string,
  uploadExpiresAt: item['uploadExpiresAt'] as string,
  ...(item['completedAt'] ? { completedAt: item['completedAt'] as string } : {}),
  attachedTo: item['attachedTo'] instanceof Set ? [...(item['attachedTo'] as Set<string>)] : [],
});

export class DynamoAttachmentRepository implements AttachmentRepository {
  async create(practiceId: string, record: AttachmentRecord): Promise<void> {
    const { attachedTo: _none, ...rest } = record;
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.attachment(practiceId, record.id),
          type: 'Attachment',
          ...rest,
          ...(record.status === 'pending' ? { ttl: ttlAfter(record.uploadExpiresAt, PENDING_TTL_SECONDS) } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(practiceId: string, id: string): Promise<AttachmentRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.attachment(practiceId, id) }));
    return out.Item ? attachmentFrom(out.Item) : null;
  }

  getMany(practiceId: string, ids: readonly string[]): Promise<AttachmentRecord[]> {
    return getByIds(ids, (id) => keys.attachment(practiceId, id), attachmentFrom);
  }

  async settle(practiceId: string, id: string, outcome: CompleteOutcome & { status: 'ready' | 'rejected' }, at: string): Promise<AttachmentRecord | null> {
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.attachment(practiceId, id),
          UpdateExpression:
            outcome.status === 'ready'
              ? 'SET #status = :status, size = :size, completedAt = :at REMOVE #ttl'
              : 'SET #status = :status, size = :size, completedAt = :at, reason = :reason',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', ...(outcome.status === 'ready' ? { '#ttl': 'ttl' } : {}) },
          ExpressionAttributeValues: {
            ':status': outcome.status,
            ':size': outcome.size,
            ':at': at,
            ':pending': 'pending',
            ...(outcome.status === 'rejected' ? { ':reason': outcome.reason } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? attachmentFrom(out.Attributes) : null;
    } catch (error) {
      // Settled meanwhile by another complete: answer what it decided.
      if (isConditionFailure(error)) return this.get(practiceId, id);
      throw error;
    }
  }

  async markAttached(practiceId: string, ids: readonly string[], conversationId: string, messageId: string): Promise<void> {
    const mark = new Set([`${conversationId}#${messageId}`]);
    await Promise.all(
      ids.map((id) =>
        dynamo.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.attachment(practiceId, id),
            UpdateExpression: 'ADD attachedTo :mark',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':mark': mark },
          }),
        ),
      ),
    );
  }
}

/**
 * Who may read a message carrying a file: one BatchGetItem of the marked conversations (META)
 * and messages. A mark whose message was never written (a send that failed after marking) or
 * was deleted, or whose conversation is gone or being deleted, authorises nothing.
 */
export const dynamoCarrierReader: CarrierReader = {
  async mayReadAny(caller: Caller, marks: readonly string[], mayRead: (participants: readonly Party[]) => boolean): Promise<boolean> {
    const pairs = marks
      .map((m) => m.split('#'))
      .filter((p): p is [string, string] => p.length === 2 && !!p[0] && !!p[1])
      .slice(0, 50);
    if (pairs.length === 0) return false;
    const conversationIds = [...new Set(pairs.map(([c]) => c))];
    const items = await batchGetAll([
      ...conversationIds.map((c) => keys.conversation(caller.practiceId, c)),
      ...pairs.map(([c, m]) => keys.message(caller.practiceId, c, m)),
    ]);
    const readable = new Set(
      items
        .filter((i) => i['sk'] === 'META' && !i['deletingAt'] && mayRead(i['participants'] as Party[]))
        .map((i) => i['id'] as string),
    );
    const messages = new Set(items.filter((i) => String(i['sk']).startsWith('MSG#')).map((i) => `${i['conversationId'] as string}#${i['id'] as string}`));
    return pairs.some(([c, m]) => readable.has(c) && messages.has(`${c}#${m}`));
  },
};
