/**
 * Practice settings, staff and patients in the single table. Access patterns (see
 * docs/data-model.md): GetItem by id; lists by name on gsi1; patient search on the practice's
 * search partition (one item per token, Query begins_with) followed by one BatchGetItem.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AddressOwner,
  DirectoryRepository,
  PatientRecord,
  PracticeSettingsRecord,
  StaffRecord,
} from '../../use-cases/directory-ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { compactChanges, type ChatDefaultChange } from '../../domain/chat-default.js';
import { defaultChatSettings } from '../../domain/chat-settings.js';
import { dynamo, tableName } from './client.js';
import { putItem, transact, writtenIfUnchanged } from './conditional-writes.js';
import { writeAnswered } from './idempotency-store.js';
import { getByIdsBatched, getItem } from './request-batch.js';
import { finderChanges, finderItems, type Findable } from './finder-items.js';
import { keys } from './keys.js';
import { queryAll, queryIndexPage, queryPrefixPage } from './query.js';

type Item = Record<string, unknown>;

export const defaultSettings: PracticeSettingsRecord = {
  name: null,
  defaultRegion: 'US',
  timeZone: 'UTC',
  chatDefault: defaultChatSettings,
  chatChanges: [],
  updatedAt: null,
};

const settingsFrom = (item: Item | undefined): PracticeSettingsRecord => ({
  name: (item?.['name'] as string | undefined) ?? defaultSettings.name,
  defaultRegion: (item?.['defaultRegion'] as string | undefined) ?? defaultSettings.defaultRegion,
  timeZone: (item?.['timeZone'] as string | undefined) ?? defaultSettings.timeZone,
  chatDefault: (item?.['chatDefault'] as PracticeSettingsRecord['chatDefault'] | undefined) ?? defaultSettings.chatDefault,
  chatChanges: compactChanges((item?.['chatChanges'] as ChatDefaultChange[] | undefined) ?? []),
  updatedAt: (item?.['updatedAt'] as string | undefined) ?? null,
});

const staffFrom = (item: Item): StaffRecord => ({
  id: item['id'] as string,
  name: item['name'] as string,
  email: (item['email'] as string | undefined) ?? null,
  phone: (item['phone'] as string | undefined) ?? null,
  role: item['role'] as StaffRecord['role'],
  permissions: (item['permissions'] as StaffRecord['permissions'] | undefined) ?? [],
  // Records written before staff had a status are active.
  status: (item['status'] as StaffRecord['status'] | undefined) ?? 'active',
  ...(typeof item['emailNotifications'] === 'boolean' ? { emailNotifications: item['emailNotifications'] } : {}),
  createdAt: item['createdAt'] as string,
  updatedAt: item['updatedAt'] as string,
});

const patientFrom = (item: Item): PatientRecord => ({
  id: item['id'] as string,
  name: item['name'] as string,
  email: (item['email'] as string | undefined) ?? null,
  phone: (item['phone'] as string | undefined) ?? null,
  whatsapp: (item['whatsapp'] as string | undefined) ?? null,
  status: item['status'] as PatientRecord['status'],
  chat: (item['chat'] as PatientRecord['chat'] | undefined) ?? null,
  createdAt: item['createdAt'] as string,
  updatedAt: item['updatedAt'] as string,
});

const staffItem = (practiceId: string, s: StaffRecord): Item => ({
  ...keys.staff(practiceId, s.id),
  ...keys.staffByName(practiceId, s.name, s.id),
  ...(s.status === 'active' ? keys.staffByRole(practiceId, s.role, s.name, s.id) : {}),
  type: 'Staff',
  ...s,
  email: s.email ?? undefined,
  phone: s.phone ?? undefined,
});

const patientItem = (practiceId: string, p: PatientRecord): Item => ({
  ...keys.patient(practiceId, p.id),
  ...keys.patientByName(practiceId, p.name, p.id),
  type: 'Patient',
  ...p,
  email: p.email ?? undefined,
  phone: p.phone ?? undefined,
  whatsapp: p.whatsapp ?? undefined,
  chat: p.chat ?? undefined,
});

/** A patient as its finder items (search tokens, address-owner entries) see it. */
const findable = (p: PatientRecord): Findable => ({ ownerType: 'patient', id: p.id, name: p.name, email: p.email, phones: [p.phone, p.whatsapp] });

const mapped = async <T>(page: Promise<{ items: Item[]; nextCursor: string | null }>, map: (item: Item) => T): Promise<Page<T>> => {
  const { items, nextCursor } = await page;
  return { items: items.map(map), nextCursor };
};

export class DynamoDirectoryRepository implements DirectoryRepository {
  /** Read with whatever else the request reads at the same time (request-batch.ts). */
  async getSettings(practiceId: string): Promise<PracticeSettingsRecord> {
    return settingsFrom(await getItem(keys.settings(practiceId)));
  }

  async updateSettings(
    practiceId: string,
    changes: Partial<Omit<PracticeSettingsRecord, 'updatedAt'>>,
    at: string,
  ): Promise<PracticeSettingsRecord> {
    const fields = Object.entries({ ...changes, updatedAt: at }).filter(([, v]) => v !== undefined);
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.settings(practiceId),
        UpdateExpression: `SET #type = :type, ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: { '#type': 'type', ...Object.fromEntries(fields.map(([k], i) => [`#f${i}`, k])) },
        ExpressionAttributeValues: { ':type': 'Settings', ...Object.fromEntries(fields.map(([, v], i) => [`:v${i}`, v])) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return settingsFrom(out.Attributes);
  }

  /** One UpdateItem: an `all` change replaces the history, a `new` change is appended to it. */
  async recordChatDefault(practiceId: string, change: ChatDefaultChange): Promise<PracticeSettingsRecord> {
    const history =
      change.applyTo === 'all' ? 'chatChanges = :one' : 'chatChanges = list_append(if_not_exists(chatChanges, :empty), :one)';
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.settings(practiceId),
        UpdateExpression: `SET #type = :type, chatDefault = :default, updatedAt = :at, ${history}`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'Settings',
          ':default': {
            directMessaging: change.directMessaging,
            communityChat: change.communityChat,
            ...(change.emailNotifications !== undefined ? { emailNotifications: change.emailNotifications } : {}),
          },
          ':at': change.at,
          ':one': [change],
          ...(change.applyTo === 'all' ? {} : { ':empty': [] }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return settingsFrom(out.Attributes);
  }

  async createStaff(practiceId: string, staff: StaffRecord, answer?: unknown): Promise<void> {
    await writeAnswered([putItem(staffItem(practiceId, staff), 'attribute_not_exists(pk)')], answer);
  }

  async getStaff(practiceId: string, id: string): Promise<StaffRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.staff(practiceId, id) }));
    return out.Item ? staffFrom(out.Item) : null;
  }

  async replaceStaff(practiceId: string, staff: StaffRecord, expectedUpdatedAt: string): Promise<boolean> {
    return writtenIfUnchanged(
      dynamo.send(
        new PutCommand({
          TableName: tableName,
          Item: staffItem(practiceId, staff),
          ConditionExpression: 'updatedAt = :expected',
          ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
        }),
      ),
    );
  }

  listStaff(practiceId: string, page: PageRequest): Promise<Page<StaffRecord>> {
    return mapped(queryIndexPage({ index: 'gsi1', pk: keys.staffListPk(practiceId), forward: true }, page), staffFrom);
  }

  async createPatient(practiceId: string, patient: PatientRecord, answer?: unknown): Promise<void> {
    await writeAnswered(
      [putItem(patientItem(practiceId, patient), 'attribute_not_exists(pk)'), ...[...finderItems(practiceId, findable(patient)).values()].map((item) => putItem(item))],
      answer,
    );
  }

  async getPatient(practiceId: string, id: string): Promise<PatientRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.patient(practiceId, id) }));
    return out.Item ? patientFrom(out.Item) : null;
  }

  getPatients(practiceId: string, ids: readonly string[]): Promise<PatientRecord[]> {
    return getByIdsBatched(ids, (id) => keys.patient(practiceId, id), patientFrom);
  }

  getStaffMany(practiceId: string, ids: readonly string[]): Promise<StaffRecord[]> {
    return getByIdsBatched(ids, (id) => keys.staff(practiceId, id), staffFrom);
  }

  async activeStaffByRole(practiceId: string, role: StaffRecord['role']): Promise<StaffRecord[]> {
    const items = await queryAll({
      TableName: tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.staffByRolePk(practiceId, role) },
    });
    return items.map(staffFrom);
  }

  async replacePatient(practiceId: string, before: PatientRecord, after: PatientRecord): Promise<boolean> {
    return writtenIfUnchanged(
      transact([
        putItem(patientItem(practiceId, after), 'updatedAt = :expected', { ':expected': before.updatedAt }),
        ...finderChanges(practiceId, findable(before), findable(after)),
      ]),
    );
  }

  listPatients(practiceId: string, page: PageRequest): Promise<Page<PatientRecord>> {
    return mapped(queryIndexPage({ index: 'gsi1', pk: keys.patientListPk(practiceId), forward: true }, page), patientFrom);
  }

  async searchPatients(practiceId: string, query: string, page: PageRequest): Promise<Page<PatientRecord>> {
    const hits = await queryPrefixPage(keys.patientSearchPk(practiceId), query, page);
    return { items: await this.getPatients(practiceId, hits.items.map((i) => i['patientId'] as string)), nextCursor: hits.nextCursor };
  }

  async addressOwners(practiceId: string, type: 'email' | 'phone', value: string): Promise<AddressOwner[]> {
    const owners = await queryAll({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.addressOwnerPk(practiceId, type, value) },
    });
    return owners.map((i) => ({
      ownerType: i['ownerType'] as AddressOwner['ownerType'],
      ownerId: i['ownerId'] as string,
      name: i['name'] as string,
    }));
  }
}
