/**
 * Drafts in the single table: one item per draft in its author's partition
 * (`P#<p>#DRAFTS#<type>#<id>` / `DRAFT#<ulid>`), so a draft is only ever addressed with its
 * author's key: GetItem, a Query newest first, an UpdateItem or DeleteItem conditioned on existence.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PartyRef } from '../../use-cases/conversations/ports.js';
import { draftFieldNames, type DraftPatch, type DraftRecord, type DraftRepository } from '../../use-cases/drafts/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { dynamo, isConditionFailure, tableName } from './client.js';
import { keys } from './keys.js';
import { queryPrefixPage } from './query.js';

type Item = Record<string, unknown>;

const keyOf = (practiceId: string, author: PartyRef, id: string) => keys.draft(practiceId, author.type, author.id, id);

function draftFrom(item: Item): DraftRecord {
  const draft: Record<string, unknown> = {
    id: item['id'],
    author: { type: item['authorType'], id: item['authorId'] },
    createdAt: item['createdAt'],
    updatedAt: item['updatedAt'],
  };
  for (const f of draftFieldNames) if (item[f] !== undefined) draft[f] = item[f];
  return draft as unknown as DraftRecord;
}

export class DynamoDraftRepository implements DraftRepository {
  async create(practiceId: string, d: DraftRecord): Promise<void> {
    const { author, ...rest } = d;
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keyOf(practiceId, author, d.id), type: 'Draft', authorType: author.type, authorId: author.id, ...rest },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(practiceId: string, author: PartyRef, id: string): Promise<DraftRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keyOf(practiceId, author, id), ConsistentRead: true }));
    return out.Item ? draftFrom(out.Item) : null;
  }

  async list(practiceId: string, author: PartyRef, page: PageRequest): Promise<Page<DraftRecord>> {
    const result = await queryPrefixPage(keys.draftsPk(practiceId, author.type, author.id), 'DRAFT#', page, { forward: false });
    return { items: result.items.map(draftFrom), nextCursor: result.nextCursor };
  }

  async update(practiceId: string, author: PartyRef, id: string, patch: DraftPatch, updatedAt: string): Promise<DraftRecord | null> {
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':updatedAt': updatedAt };
    const set = ['#updatedAt = :updatedAt'];
    const remove: string[] = [];
    for (const f of draftFieldNames) {
      const value = patch[f];
      if (value === undefined) continue;
      names[`#${f}`] = f;
      if (value === null) remove.push(`#${f}`);
      else {
        values[`:${f}`] = value;
        set.push(`#${f} = :${f}`);
      }
    }
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(practiceId, author, id),
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? draftFrom(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async delete(practiceId: string, author: PartyRef, id: string): Promise<boolean> {
    try {
      await dynamo.send(new DeleteCommand({ TableName: tableName, Key: keyOf(practiceId, author, id), ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
