/**
 * The directory's reads (settings, staff, patients, address owners) and the records they map
 * to. Functions that only read the directory (the caller check every HTTP function runs,
 * conversations, blocks, broadcasts, block visibility) compose this and nothing else, so their
 * bundles carry none of the write side's search tokens and phone formatting (libphonenumber-js):
 * DynamoDirectoryRepository (directory-repository.ts) adds the writes on top of these reads.
 * Access patterns (see docs/data-model.md): GetItem by id; lists by name on gsi1; patient search
 * on the practice's search partition (Query begins_with) followed by one BatchGetItem.
 */
import type { AddressOwner, DirectoryReader, PatientRecord, PracticeSettingsRecord, StaffRecord } from '../../use-cases/directory-ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { compactChanges, type ChatDefaultChange } from '../../domain/chat-default.js';
import { defaultChatSettings } from '../../domain/chat-settings.js';
import { tableName } from './client.js';
import { getByIdsBatched, getItem } from './request-batch.js';
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

export const settingsFrom = (item: Item | undefined): PracticeSettingsRecord => ({
  name: (item?.['name'] as string | undefined) ?? defaultSettings.name,
  defaultRegion: (item?.['defaultRegion'] as string | undefined) ?? defaultSettings.defaultRegion,
  timeZone: (item?.['timeZone'] as string | undefined) ?? defaultSettings.timeZone,
  chatDefault: (item?.['chatDefault'] as PracticeSettingsRecord['chatDefault'] | undefined) ?? defaultSettings.chatDefault,
  chatChanges: compactChanges((item?.['chatChanges'] as ChatDefaultChange[] | undefined) ?? []),
  updatedAt: (item?.['updatedAt'] as string | undefined) ?? null,
});

export const staffFrom = (item: Item): StaffRecord => ({
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

export const patientFrom = (item: Item): PatientRecord => ({
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

const mapped = async <T>(page: Promise<{ items: Item[]; nextCursor: string | null }>, map: (item: Item) => T): Promise<Page<T>> => {
  const { items, nextCursor } = await page;
  return { items: items.map(map), nextCursor };
};

export class DynamoDirectoryReader implements DirectoryReader {
  /** Read with whatever else the request reads at the same time (request-batch.ts). */
  async getSettings(practiceId: string): Promise<PracticeSettingsRecord> {
    return settingsFrom(await getItem(keys.settings(practiceId)));
  }

  async getStaff(practiceId: string, id: string): Promise<StaffRecord | null> {
    const item = await getItem(keys.staff(practiceId, id));
    return item ? staffFrom(item) : null;
  }

  listStaff(practiceId: string, page: PageRequest): Promise<Page<StaffRecord>> {
    return mapped(queryIndexPage({ index: 'gsi1', pk: keys.staffListPk(practiceId), forward: true }, page), staffFrom);
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

  async getPatient(practiceId: string, id: string): Promise<PatientRecord | null> {
    const item = await getItem(keys.patient(practiceId, id));
    return item ? patientFrom(item) : null;
  }

  getPatients(practiceId: string, ids: readonly string[]): Promise<PatientRecord[]> {
    return getByIdsBatched(ids, (id) => keys.patient(practiceId, id), patientFrom);
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
