/**
 * Contacts and groups in the single table (see docs/data-model.md, "Contacts and groups").
 * A contact is one item keyed by id, listed by name on gsi1, by status on gsi2 (blocked ones by
 * blocking time), by category on gsi3, and found by prefix through search tokens in the
 * practice's `CSEARCH` partition. A group partition holds the group and one item per member; each
 * member's own partition holds a reverse link, so a patient's groups are one Query.
 */
import { QueryCommand, TransactWriteCommand, PutCommand, GetCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type {
  ContactListFilter,
  ContactRecord,
  ContactRepository,
  GroupChatReader,
  GroupRecord,
  MemberRef,
} from '../../use-cases/contacts/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import type { PartialChatSettings } from '../../domain/chat-settings.js';
import { nameSearchTokens, phoneSearchTokens } from '../../domain/contact-address.js';
import { batchGetAll, dynamo, isConditionFailure, tableName } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { keys } from './keys.js';
import { queryPage } from './query.js';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const setOf = (v: unknown): string[] => (v instanceof Set ? [...(v as Set<string>)] : Array.isArray(v) ? (v as string[]) : []).sort();

const contactFrom = (i: Item): ContactRecord => ({
  id: i['id'] as string,
  name: i['name'] as string,
  email: (i['email'] as string | undefined) ?? null,
  primaryPhone: (i['primaryPhone'] as string | undefined) ?? null,
  secondaryPhone: (i['secondaryPhone'] as string | undefined) ?? null,
  category: (i['category'] as string | undefined) ?? null,
  groupIds: setOf(i['groupIds']),
  status: i['status'] as ContactRecord['status'],
  blockReason: (i['blockReason'] as string | undefined) ?? null,
  blockedAt: (i['blockedAt'] as string | undefined) ?? null,
  blockIds: (i['blockIds'] as string[] | undefined) ?? [],
  createdAt: i['createdAt'] as string,
  updatedAt: i['updatedAt'] as string,
  blockHistoryIds: setOf(i['blockHistoryIds']),
});

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

/** Index attributes of a contact: gsi1 by name, gsi2 by status, gsi3 by category (absent without one). */
function contactIndexKeys(practiceId: string, c: ContactRecord): Record<string, string | undefined> {
  const byName = keys.contactSortKey(c.name, c.id);
  return {
    ...keys.contactByName(practiceId, c.name, c.id),
    gsi2pk: keys.contactsByStatusPk(practiceId, c.status),
    gsi2sk: c.status === 'blocked' ? `${c.blockedAt ?? c.updatedAt}#${c.id}` : byName,
    gsi3pk: c.category ? keys.contactsByCategoryPk(practiceId, c.category) : undefined,
    gsi3sk: c.category ? byName : undefined,
  };
}

/** The stored attributes a contact's details and status consist of (not its memberships). */
const contactFields = (c: ContactRecord): Record<string, unknown> => ({
  name: c.name,
  email: c.email ?? undefined,
  primaryPhone: c.primaryPhone ?? undefined,
  secondaryPhone: c.secondaryPhone ?? undefined,
  category: c.category ?? undefined,
  status: c.status,
  blockReason: c.blockReason ?? undefined,
  blockedAt: c.blockedAt ?? undefined,
  blockIds: c.blockIds,
  updatedAt: c.updatedAt,
});

const contactItem = (practiceId: string, c: ContactRecord): Item => ({
  ...keys.contact(practiceId, c.id),
  ...contactIndexKeys(practiceId, c),
  type: 'Contact',
  id: c.id,
  ...contactFields(c),
  createdAt: c.createdAt,
  ...(c.groupIds.length ? { groupIds: new Set(c.groupIds) } : {}),
  ...(c.blockHistoryIds.length ? { blockHistoryIds: new Set(c.blockHistoryIds) } : {}),
});

/** The addresses a contact owns, deduplicated. */
export function contactAddresses(c: Pick<ContactRecord, 'email' | 'primaryPhone' | 'secondaryPhone'>): { type: 'email' | 'phone'; value: string }[] {
  const out = new Map<string, { type: 'email' | 'phone'; value: string }>();
  if (c.email) out.set(`email:${c.email}`, { type: 'email', value: c.email });
  for (const phone of [c.primaryPhone, c.secondaryPhone]) if (phone) out.set(`phone:${phone}`, { type: 'phone', value: phone });
  return [...out.values()];
}

function contactSearchTokens(c: ContactRecord): Set<string> {
  const tokens = new Set(nameSearchTokens(c.name));
  if (c.email) tokens.add(c.email.replace(/#/g, ''));
  for (const phone of [c.primaryPhone, c.secondaryPhone]) if (phone) for (const t of phoneSearchTokens(phone)) tokens.add(t);
  return tokens;
}

/** Search tokens and address-owner entries of a contact, keyed for diffing. */
function contactIndexItems(practiceId: string, c: ContactRecord): Map<string, Item> {
  const items = new Map<string, Item>();
  for (const token of contactSearchTokens(c)) {
    const key = keys.contactSearchToken(practiceId, token, c.id);
    items.set(`${key.pk}|${key.sk}`, { ...key, type: 'ContactSearch', contactId: c.id });
  }
  for (const a of contactAddresses(c)) {
    const key = keys.addressOwner(practiceId, a.type, a.value, 'contact', c.id);
    items.set(`${key.pk}|${key.sk}`, { ...key, type: 'AddressOwner', ownerType: 'contact', ownerId: c.id, name: c.name });
  }
  return items;
}

const put = (item: Item): TransactItem => ({ Put: { TableName: tableName, Item: item } });
const del = (item: Item): TransactItem => ({ Delete: { TableName: tableName, Key: { pk: item['pk'], sk: item['sk'] } } });

/** The writes that make `member` part of `groupId` (member item, reverse link, contact's groupIds). */
function membershipWrites(practiceId: string, groupId: string, m: MemberRef): TransactItem[] {
  const writes: TransactItem[] = [
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.groupMember(practiceId, groupId, m.type, m.id), type: 'GroupMember', groupId, memberType: m.type, memberId: m.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    put({ ...keys.memberGroupLink(practiceId, m.type, m.id, groupId), type: 'GroupLink', groupId, memberType: m.type, memberId: m.id }),
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
  }
  return writes;
}

const countMembers = (practiceId: string, groupId: string, n: number): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: keys.group(practiceId, groupId),
    UpdateExpression: 'ADD memberCount :n',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':n': n },
  },
});

const inRange = (at: string | null, from?: string, to?: string) =>
  from === undefined && to === undefined ? true : at !== null && at >= (from ?? '') && at <= `${to ?? '9999'}\uffff`;

/** What the in-memory filter checks when the list is served from the search or group partition. */
const matches = (f: ContactListFilter) => (c: ContactRecord) =>
  (!f.status || c.status === f.status) &&
  (!f.category || (c.category ?? '').trim().toLowerCase() === f.category.trim().toLowerCase()) &&
  (!f.groupId || c.groupIds.includes(f.groupId)) &&
  inRange(c.blockedAt, f.blockedFrom, f.blockedTo);

/** Members per TransactWriteItems: ≤ 3 writes each plus the group's counter stays under 100. */
const MEMBERS_PER_TRANSACTION = 30;

export class DynamoContactRepository implements ContactRepository, GroupChatReader {
  // ------------------------------------------------------------ contacts

  async createContact(practiceId: string, contact: ContactRecord): Promise<void> {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: contactItem(practiceId, contact), ConditionExpression: 'attribute_not_exists(pk)' } },
          ...[...contactIndexItems(practiceId, contact).values()].map(put),
          ...contact.groupIds.flatMap((gid) => [
            ...membershipWrites(practiceId, gid, { type: 'contact', id: contact.id }).filter((w) => !w.Update),
            countMembers(practiceId, gid, 1),
          ]),
        ],
      }),
    );
  }

  async getContact(practiceId: string, id: string): Promise<ContactRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.contact(practiceId, id), ConsistentRead: true }));
    return out.Item ? contactFrom(out.Item) : null;
  }

  async getContacts(practiceId: string, ids: readonly string[]): Promise<ContactRecord[]> {
    const unique = [...new Set(ids)];
    const found = new Map<string, ContactRecord>();
    for (const item of await batchGetAll(unique.map((id) => keys.contact(practiceId, id)))) found.set(item['id'] as string, contactFrom(item));
    return unique.map((id) => found.get(id)).filter((c): c is ContactRecord => c !== undefined);
  }

  async updateContact(practiceId: string, before: ContactRecord, after: ContactRecord, addedBlockIds: readonly string[]): Promise<boolean> {
    const fields = { ...contactIndexKeys(practiceId, after), ...contactFields(after) };
    const set = Object.entries(fields).filter(([, v]) => v !== undefined);
    const remove = Object.entries(fields).filter(([, v]) => v === undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':seen': before.updatedAt };
    const setParts = set.map(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      return `#s${i} = :s${i}`;
    });
    const removeParts = remove.map(([k], i) => {
      names[`#r${i}`] = k;
      return `#r${i}`;
    });
    let expression = `SET ${setParts.join(', ')}`;
    if (removeParts.length) expression += ` REMOVE ${removeParts.join(', ')}`;
    if (addedBlockIds.length) {
      expression += ' ADD blockHistoryIds :added';
      values[':added'] = new Set(addedBlockIds);
    }
    const oldIndex = contactIndexItems(practiceId, before);
    const newIndex = contactIndexItems(practiceId, after);
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.contact(practiceId, after.id),
                UpdateExpression: expression,
                ConditionExpression: 'updatedAt = :seen',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            ...[...oldIndex].filter(([k]) => !newIndex.has(k)).map(([, item]) => del(item)),
            // Owner entries carry the name: rewrite them all when the name changes.
            ...[...newIndex]
              .filter(([k, item]) => !oldIndex.has(k) || (item['type'] === 'AddressOwner' && before.name !== after.name))
              .map(([, item]) => put(item)),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listContacts(practiceId: string, f: ContactListFilter, page: PageRequest): Promise<Page<ContactRecord>> {
    if (f.q) return this.hydrated(practiceId, keys.contactSearchPk(practiceId), f.q, 'contactId', matches(f), page);
    if (f.groupId) return this.hydrated(practiceId, keys.groupPk(practiceId, f.groupId), 'MEMBER#contact#', 'memberId', matches(f), page);

    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filters: string[] = [];
    const ranged = f.blockedFrom !== undefined || f.blockedTo !== undefined;
    let index: 'gsi1' | 'gsi2' | 'gsi3';
    let keyCondition = '#pk = :pk';
    let forward = true;
    if (f.category) {
      index = 'gsi3';
      values[':pk'] = keys.contactsByCategoryPk(practiceId, f.category);
      if (f.status) {
        filters.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = f.status;
      }
      if (ranged) {
        filters.push('blockedAt BETWEEN :from AND :to');
        values[':from'] = f.blockedFrom ?? '0000';
        values[':to'] = `${f.blockedTo ?? '9999'}\uffff`;
      }
    } else if (f.status || ranged) {
      index = 'gsi2';
      const status = f.status ?? 'blocked';
      values[':pk'] = keys.contactsByStatusPk(practiceId, status);
      if (status === 'blocked') {
        forward = false; // most recently blocked first
        if (ranged) {
          keyCondition += ' AND #sk BETWEEN :from AND :to';
          names['#sk'] = 'gsi2sk';
          values[':from'] = f.blockedFrom ?? '0000';
          values[':to'] = `${f.blockedTo ?? '9999'}\uffff`;
        }
      }
    } else {
      index = 'gsi1';
      values[':pk'] = keys.contactListPk(practiceId);
    }
    names['#pk'] = `${index}pk`;
    const result = await queryPage(
      {
        TableName: tableName,
        IndexName: index,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ScanIndexForward: forward,
      },
      page,
      { attribute: `${index}pk`, value: values[':pk'] as string },
    );
    return { items: result.items.map(contactFrom), nextCursor: result.nextCursor };
  }

  /**
   * A page served from a partition of pointers (search tokens, group members): Query a round of
   * pointers, BatchGetItem the contacts, keep those that pass the other filters.
   */
  private async hydrated(
    practiceId: string,
    pk: string,
    prefix: string,
    idAttribute: string,
    keep: (c: ContactRecord) => boolean,
    page: PageRequest,
  ): Promise<Page<ContactRecord>> {
    let startKey = decodeCursor(page.cursor, { attribute: 'pk', value: pk });
    const found: ContactRecord[] = [];
    const seen = new Set<string>();
    for (let round = 0; round < 10 && found.length < page.limit; round++) {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          Limit: page.limit - found.length,
          ExclusiveStartKey: startKey,
        }),
      );
      const ids = (out.Items ?? []).map((i) => i[idAttribute] as string).filter((id) => !seen.has(id));
      ids.forEach((id) => seen.add(id));
      if (ids.length) found.push(...(await this.getContacts(practiceId, ids)).filter(keep));
      startKey = out.LastEvaluatedKey as typeof startKey;
      if (!startKey) break;
    }
    return { items: found, nextCursor: encodeCursor(startKey) };
  }

  // ------------------------------------------------------------ groups

  async createGroup(practiceId: string, g: GroupRecord): Promise<void> {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: {
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
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getGroup(practiceId: string, id: string): Promise<GroupRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.group(practiceId, id), ConsistentRead: true }));
    return out.Item ? groupFrom(out.Item) : null;
  }

  async getGroups(practiceId: string, ids: readonly string[]): Promise<GroupRecord[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const found = new Map((await batchGetAll(unique.map((id) => keys.group(practiceId, id)))).map((i) => [i['id'] as string, groupFrom(i)]));
    return unique.map((id) => found.get(id)).filter((g): g is GroupRecord => g !== undefined);
  }

  async listGroups(practiceId: string, page: PageRequest): Promise<Page<GroupRecord>> {
    const pk = keys.groupListPk(practiceId);
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, { attribute: 'gsi1pk', value: pk }),
      }),
    );
    return { items: (out.Items ?? []).map(groupFrom), nextCursor: encodeCursor(out.LastEvaluatedKey) };
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
          await dynamo.send(
            new TransactWriteCommand({
              TransactItems: [...chunk.flatMap((m) => membershipWrites(practiceId, groupId, m)), countMembers(practiceId, groupId, chunk.length)],
            }),
          );
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
    const pk = keys.groupPk(practiceId, groupId);
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'MEMBER#' },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, { attribute: 'pk', value: pk }),
      }),
    );
    return {
      items: (out.Items ?? []).map((i) => ({ type: i['memberType'] as MemberRef['type'], id: i['memberId'] as string })),
      nextCursor: encodeCursor(out.LastEvaluatedKey),
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

  // ------------------------------------------------------------ effective chat

  async groupChatOf(practiceId: string, patientIds: readonly string[]): Promise<Map<string, PartialChatSettings[]>> {
    const unique = [...new Set(patientIds)];
    const groupsOf = new Map<string, string[]>();
    // One Query per patient (the reverse links); at most 16 in flight, not one socket per patient.
    const lookUp = async (patientId: string) => {
        const ids: string[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const out = await dynamo.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':pk': keys.patientPk(practiceId, patientId), ':prefix': 'GROUP#' },
              ProjectionExpression: 'groupId',
              ExclusiveStartKey: startKey,
            }),
          );
          ids.push(...(out.Items ?? []).map((i) => i['groupId'] as string));
          startKey = out.LastEvaluatedKey;
        } while (startKey);
        groupsOf.set(patientId, ids);
    };
    for (let i = 0; i < unique.length; i += 16) await Promise.all(unique.slice(i, i + 16).map(lookUp));
    const allIds = [...new Set([...groupsOf.values()].flat())];
    const groups = new Map((await this.getGroups(practiceId, allIds)).map((g) => [g.id, g]));
    const result = new Map<string, PartialChatSettings[]>();
    for (const patientId of unique) {
      const chats = (groupsOf.get(patientId) ?? []).map((gid) => groups.get(gid)?.chat).filter((c): c is PartialChatSettings => !!c);
      result.set(patientId, chats);
    }
    return result;
  }
}
