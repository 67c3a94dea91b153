/**
 * Contacts in the single table (see docs/data-model.md, "Contacts and groups"). A contact is one
 * item keyed by id, listed by name on gsi1, by status on gsi2 (blocked ones by blocking time), by
 * category on gsi3, and found by prefix through search tokens in the practice's `CSEARCH`
 * partition (finder-items.ts); a group's contacts are listed through its member items.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactListFilter, ContactRecord, ContactRepository } from '../../use-cases/contacts/ports.js';
import type { Page, PageRequest } from '../../use-cases/page.js';
import { dynamo, tableName } from './client.js';
import { putItem, transact, writtenIfUnchanged } from './conditional-writes.js';
import { writeAnswered } from './idempotency-store.js';
import { contactFields, contactFrom, contactIndexKeys, contactItem, findable } from './contact-items.js';
import { finderChanges, finderItems } from './finder-items.js';
import { countMembers, membershipWrites } from './group-repository.js';
import { getContactsByIds } from './contact-reads.js';
import { keys } from './keys.js';
import { Filter, queryIndexPage, queryPageOf } from './query.js';

const inRange = (at: string | null, from?: string, to?: string) =>
  from === undefined && to === undefined ? true : at !== null && at >= (from ?? '') && at <= `${to ?? '9999'}\uffff`;

/** What the in-memory filter checks when the list is served from the search or group partition. */
const matches = (f: ContactListFilter) => (c: ContactRecord) =>
  (!f.status || c.status === f.status) &&
  (!f.category || (c.category ?? '').trim().toLowerCase() === f.category.trim().toLowerCase()) &&
  (!f.groupId || c.groupIds.includes(f.groupId)) &&
  inRange(c.blockedAt, f.blockedFrom, f.blockedTo);

export class DynamoContactRepository implements ContactRepository {
  async createContact(practiceId: string, contact: ContactRecord, answer?: unknown): Promise<void> {
    await writeAnswered([
      putItem(contactItem(practiceId, contact), 'attribute_not_exists(pk)'),
      ...[...finderItems(practiceId, findable(contact)).values()].map((item) => putItem(item)),
      ...contact.groupIds.flatMap((gid) => [
        ...membershipWrites(practiceId, gid, { type: 'contact', id: contact.id }).filter((w) => !w.Update),
        countMembers(practiceId, gid, 1),
      ]),
    ], answer);
  }

  async getContact(practiceId: string, id: string): Promise<ContactRecord | null> {
    const out = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.contact(practiceId, id), ConsistentRead: true }));
    return out.Item ? contactFrom(out.Item) : null;
  }

  getContacts(practiceId: string, ids: readonly string[]): Promise<ContactRecord[]> {
    return getContactsByIds(practiceId, ids);
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
    const update = {
      TableName: tableName,
      Key: keys.contact(practiceId, after.id),
      UpdateExpression: expression,
      ConditionExpression: 'updatedAt = :seen',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    return writtenIfUnchanged(transact([{ Update: update }, ...finderChanges(practiceId, findable(before), findable(after))]));
  }

  async listContacts(practiceId: string, f: ContactListFilter, page: PageRequest): Promise<Page<ContactRecord>> {
    if (f.q) return this.hydrated(practiceId, keys.contactSearchPk(practiceId), f.q, 'contactId', matches(f), page);
    if (f.groupId) return this.hydrated(practiceId, keys.groupPk(practiceId, f.groupId), 'MEMBER#contact#', 'memberId', matches(f), page);

    const ranged = f.blockedFrom !== undefined || f.blockedTo !== undefined;
    const range = { from: f.blockedFrom ?? '0000', to: `${f.blockedTo ?? '9999'}\uffff` };
    let result;
    if (f.category) {
      const filter = new Filter().equals('status', f.status || undefined).between('blockedAt', ranged ? range : undefined);
      result = await queryIndexPage({ index: 'gsi3', pk: keys.contactsByCategoryPk(practiceId, f.category), filter, forward: true }, page);
    } else if (f.status || ranged) {
      const status = f.status ?? 'blocked';
      // Blocked contacts sort by blocking time, most recently blocked first.
      const blocked = status === 'blocked';
      result = await queryIndexPage(
        { index: 'gsi2', pk: keys.contactsByStatusPk(practiceId, status), range: blocked && ranged ? range : undefined, forward: !blocked },
        page,
      );
    } else {
      result = await queryIndexPage({ index: 'gsi1', pk: keys.contactListPk(practiceId), forward: true }, page);
    }
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
    const seen = new Set<string>();
    return queryPageOf(
      { TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix } },
      page,
      { attribute: 'pk', value: pk },
      async (pointers) => {
        const ids = pointers.map((i) => i[idAttribute] as string).filter((id) => !seen.has(id));
        ids.forEach((id) => seen.add(id));
        return ids.length ? (await this.getContacts(practiceId, ids)).filter(keep) : [];
      },
    );
  }
}
