/**
 * Groups in the single table (see docs/data-model.md, "Contacts and groups"). A group partition
 * holds the group and one item per member; each member's own partition holds a reverse link, and
 * a patient's partition also keeps the ids of all its groups on one `GROUPS` item, so a patient's
 * groups (and their chat settings) are read by key, never by a Query (bin/backfill-patient-groups.ts
 * fills that item for memberships made before it existed).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { PartialChatSettings } from '../../domain/chat-settings.js';
import type { GroupChatReader, GroupRecord, GroupRepository, MemberRef } from '../../use-cases/contacts/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { batchGetAll, dynamo, isConditionFailure, tableName } from './client.js';
import { putItem, transact, type TransactItem } from './conditional-writes.js';
import { writeAnswered } from './idempotency-store.js';
import { getByIds } from './get-by-ids.js';
import { setOf } from './contact-items.js';
import { getByIdsBatched, getItems } from './request-batch.js';
import { keys } from './keys.js';
import { queryIndexPage, queryPrefixPage } from './query.js';

type Item = Record<string, unknown>;

const groupFrom = (i: Item): GroupRecord => {
  const chat = i['chat'] as PartialChatSettings | undefined;
  return {
    id: i['id'] as string,
    name: i['name'] as string,
    chat: chat && Object.keys(chat).length > 0 ? chat : null,
    memberCount: (i['memberCount'] as number | undefined) ?? 0,
    createdAt: i['createdAt'] as string,
    updatedAt: i['updatedAt'] as string,
  };
};

/** The writes that make `member` part of `groupId` (member item, reverse link, contact's groupIds). */
export function membershipWrites(practiceId: string, groupId: string, m: MemberRef): TransactItem[] {
  const writes: TransactItem[] = [
    putItem(
      { ...keys.groupMember(practiceId, groupId, m.type, m.id), type: 'GroupMember', groupId, memberType: m.type, memberId: m.id },
      'attribute_not_exists(pk)',
    ),
    putItem({ ...keys.memberGroupLink(practiceId, m.type, m.id, groupId), type: 'GroupLink', groupId, memberType: m.type, memberId: m.id }),
  ];
  if (m.type === 'contact') {
    writes.push({
      Update: {
        TableName: tableName,
        Key: keys.contact(practiceId, m.id),
        UpdateExpression: 'ADD groupIds :g',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':g': new Set([groupId]) },
      },
    });
  } else {
    // The patient's groups on one item beside it: a broadcast reads them with the patient (BatchGetItem), no Query.
    writes.push({
      Update: { TableName: tableName, Key: keys.patientGroups(practiceId, m.id), UpdateExpression: 'ADD groupIds :g', ExpressionAttributeValues: { ':g': new Set([groupId]) } },
    });
  }
  return writes;
}

export const countMembers = (practiceId: string, groupId: string, n: number): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: keys.group(practiceId, groupId),
    UpdateExpression: 'ADD memberCount :n',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':n': n },
  },
});

/** Members per TransactWriteItems: ≤ 3 writes each plus the group's counter stays under 100. */
const MEMBERS_PER_TRANSACTION = 30;

export class DynamoGroupRepository implements GroupRepository, GroupChatReader {
  async createGroup(practiceId: string, g: GroupRecord, answer?: unknown): Promise<void> {
    await writeAnswered(
      [
        putItem(
          {
          ...keys.group(practiceId, g.id),
          ...keys.groupByName(practiceId, g.name, g.id),
          type: 'Group',
          id: g.id,
          name: g.name,
          chat: g.chat ?? undefined,
          memberCount: g.memberCount,
          createdAt: g.createdAt,
          updatedAt: g.updatedAt,
          },
          'attribute_not_exists(pk)',
        ),
      ],
      answer,
    );
  }

  async getGroup(practiceId: string, id: string): Promise<GroupRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.group(practiceId, id), ConsistentRead: true }));
    return out.Item ? groupFrom(out.Item) : null;
  }

  getGroups(practiceId: string, ids: readonly string[]): Promise<GroupRecord[]> {
    return getByIds(ids, (id) => keys.group(practiceId, id), groupFrom);
  }

  async listGroups(practiceId: string, page: PageRequest): Promise<Page<GroupRecord>> {
    const result = await queryIndexPage({ index: 'gsi1', pk: keys.groupListPk(practiceId), forward: true }, page);
    return { items: result.items.map(groupFrom), nextCursor: result.nextCursor };
  }

  async addMembers(practiceId: string, groupId: string, members: readonly MemberRef[]): Promise<number> {
    const unique = [...new Map(members.map((m) => [`${m.type}#${m.id}`, m])).values()];
    for (let attempt = 0; ; attempt++) {
      const existing = await batchGetAll(unique.map((m) => keys.groupMember(practiceId, groupId, m.type, m.id)));
      const have = new Set(existing.map((i) => `${i['memberType'] as string}#${i['memberId'] as string}`));
      const fresh = unique.filter((m) => !have.has(`${m.type}#${m.id}`));
      try {
        for (let i = 0; i < fresh.length; i += MEMBERS_PER_TRANSACTION) {
          const chunk = fresh.slice(i, i + MEMBERS_PER_TRANSACTION);
          await transact([...chunk.flatMap((m) => membershipWrites(practiceId, groupId, m)), countMembers(practiceId, groupId, chunk.length)]);
        }
        return fresh.length;
      } catch (error) {
        // Someone added one of these members at the same moment: read again and add the rest.
        if (attempt < 3 && error instanceof TransactionCanceledException && isConditionFailure(error)) continue;
        throw error;
      }
    }
  }

  async listMembers(practiceId: string, groupId: string, page: PageRequest): Promise<Page<MemberRef>> {
    const result = await queryPrefixPage(keys.groupPk(practiceId, groupId), 'MEMBER#', page);
    return {
      items: result.items.map((i) => ({ type: i['memberType'] as MemberRef['type'], id: i['memberId'] as string })),
      nextCursor: result.nextCursor,
    };
  }

  async setGroupChat(
    practiceId: string,
    groupId: string,
    chat: PartialChatSettings | null,
    at: string,
    expectedUpdatedAt: string,
  ): Promise<GroupRecord | null> {
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.group(practiceId, groupId),
          UpdateExpression: chat ? 'SET chat = :chat, updatedAt = :at' : 'SET updatedAt = :at REMOVE chat',
          ConditionExpression: 'updatedAt = :seen',
          ExpressionAttributeValues: { ':at': at, ':seen': expectedUpdatedAt, ...(chat ? { ':chat': chat } : {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? groupFrom(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  /** The ids of each patient's groups, from the `GROUPS` item kept beside the patient (read with whatever else the request reads now). */
  async groupIdsOf(practiceId: string, patientIds: readonly string[]): Promise<Map<string, string[]>> {
    const unique = [...new Set(patientIds)];
    const items = await getItems(unique.map((id) => keys.patientGroups(practiceId, id)));
    const byPk = new Map(items.map((i) => [i['pk'] as string, setOf(i['groupIds'])]));
    return new Map(unique.map((id) => [id, byPk.get(keys.patientGroups(practiceId, id).pk) ?? []]));
  }

  /** The chat settings of these groups, for those that have one (read with whatever else the request reads now). */
  async chatsOf(practiceId: string, groupIds: readonly string[]): Promise<Map<string, PartialChatSettings>> {
    const groups = await getByIdsBatched(groupIds, (id) => keys.group(practiceId, id), groupFrom);
    return new Map(groups.flatMap((g) => (g.chat ? [[g.id, g.chat] as const] : [])));
  }

  /** Each patient's groups' chat settings: the patients' `GROUPS` items, then the groups (two BatchGetItem, no Query). */
  async groupChatOf(practiceId: string, patientIds: readonly string[]): Promise<Map<string, PartialChatSettings[]>> {
    const groupsOf = await this.groupIdsOf(practiceId, patientIds);
    const chats = await this.chatsOf(practiceId, [...new Set([...groupsOf.values()].flat())]);
    return new Map(
      [...groupsOf].map(([patientId, ids]) => [patientId, ids.map((gid) => chats.get(gid)).filter((c): c is PartialChatSettings => !!c)]),
    );
  }
}
