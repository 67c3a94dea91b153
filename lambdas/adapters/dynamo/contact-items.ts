/**
 * A contact as stored: its item, with index attributes (gsi1 by name, gsi2 by status, gsi3 by
 * category); the items that find it are finder items (finder-items.ts).
 */
import type { ContactRecord } from '../../use-cases/contacts/ports.js';
import type { Findable } from './finder-items.js';
import { keys } from './keys.js';

type Item = Record<string, unknown>;

export const setOf = (v: unknown): string[] => (v instanceof Set ? [...(v as Set<string>)] : Array.isArray(v) ? (v as string[]) : []).sort();

export const contactFrom = (i: Item): ContactRecord => ({
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

/** Index attributes of a contact: gsi1 by name, gsi2 by status, gsi3 by category (absent without one). */
export function contactIndexKeys(practiceId: string, c: ContactRecord): Record<string, string | undefined> {
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
export const contactFields = (c: ContactRecord): Record<string, unknown> => ({
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

export const contactItem = (practiceId: string, c: ContactRecord): Item => ({
  ...keys.contact(practiceId, c.id),
  ...contactIndexKeys(practiceId, c),
  type: 'Contact',
  id: c.id,
  ...contactFields(c),
  createdAt: c.createdAt,
  ...(c.groupIds.length ? { groupIds: new Set(c.groupIds) } : {}),
  ...(c.blockHistoryIds.length ? { blockHistoryIds: new Set(c.blockHistoryIds) } : {}),
});

/** A contact as its finder items (search tokens, address-owner entries) see it. */
export const findable = (c: ContactRecord): Findable => ({
  ownerType: 'contact',
  id: c.id,
  name: c.name,
  email: c.email,
  phones: [c.primaryPhone, c.secondaryPhone],
});
