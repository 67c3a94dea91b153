/**
 * Practice settings, staff and patients in the single table: the writes, on top of the reads of
 * DynamoDirectoryReader (directory-reader.ts, which functions that only read compose alone).
 * A patient's writes rewrite its finder items (search tokens, address owners) by difference.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryRepository, PatientRecord, PracticeSettingsRecord, StaffRecord } from '../../use-cases/directory-ports.js';
import type { ChatDefaultChange } from '../../domain/chat-default.js';
import { dynamo, tableName } from './client.js';
import { putItem, transact, writtenIfUnchanged } from './conditional-writes.js';
import { writeAnswered } from './idempotency-store.js';
import { DynamoDirectoryReader, settingsFrom } from './directory-reader.js';
import { finderChanges, finderItems, type Findable } from './finder-items.js';
import { keys } from './keys.js';

export { defaultSettings } from './directory-reader.js';

type Item = Record<string, unknown>;

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

export class DynamoDirectoryRepository extends DynamoDirectoryReader implements DirectoryRepository {
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

  async createPatient(practiceId: string, patient: PatientRecord, answer?: unknown): Promise<void> {
    await writeAnswered(
      [putItem(patientItem(practiceId, patient), 'attribute_not_exists(pk)'), ...[...finderItems(practiceId, findable(patient)).values()].map((item) => putItem(item))],
      answer,
    );
  }

  async replacePatient(practiceId: string, before: PatientRecord, after: PatientRecord): Promise<boolean> {
    return writtenIfUnchanged(
      transact([
        putItem(patientItem(practiceId, after), 'updatedAt = :expected', { ':expected': before.updatedAt }),
        ...finderChanges(practiceId, findable(before), findable(after)),
      ]),
    );
  }
}
