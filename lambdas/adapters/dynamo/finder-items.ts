/**
 * The items that find a patient or a contact: one search token per name word, email and phone
 * digits (Query begins_with on the practice's search partition), and one address-owner entry per
 * address (inbound routing, block linking). Both are rewritten with the record, by difference.
 */
import { nameSearchTokens, phoneSearchTokens } from '../../domain/contact-address.js';
import { ownedAddresses } from '../../use-cases/blocks/block-address.js';
import { tableName } from './client.js';
import { putItem, type TransactItem } from './conditional-writes.js';
import { keys } from './keys.js';

type Item = Record<string, unknown>;

/** A patient or contact as its finder items see it. */
export interface Findable {
  ownerType: 'patient' | 'contact';
  id: string;
  name: string;
  email: string | null;
  phones: readonly (string | null)[];
}

/** Every token a person can be found by: name words, email, phone digits. */
export function searchTokens(p: Pick<Findable, 'name' | 'email' | 'phones'>): Set<string> {
  const tokens = new Set(nameSearchTokens(p.name));
  if (p.email) tokens.add(p.email.replace(/#/g, ''));
  for (const phone of p.phones) if (phone) for (const t of phoneSearchTokens(phone)) tokens.add(t);
  return tokens;
}

/**
 * The tokens of `searchTokens` in one attribute (`#` never occurs in a token or a normalised
 * query), for lists searched with `contains` on the normalised query (blocks): every token prefix
 * that finds a contact finds a block the same way, and any part of an address does too.
 */
export const searchText = (p: Pick<Findable, 'name' | 'email' | 'phones'>): string => [...searchTokens(p)].join('#');

/** Search tokens and address-owner entries of a person, keyed for diffing (written as they are on create). */
export function finderItems(practiceId: string, p: Findable): Map<string, Item> {
  const items = new Map<string, Item>();
  for (const token of searchTokens(p)) {
    const item =
      p.ownerType === 'patient'
        ? { ...keys.patientSearchToken(practiceId, token, p.id), type: 'PatientSearch', patientId: p.id }
        : { ...keys.contactSearchToken(practiceId, token, p.id), type: 'ContactSearch', contactId: p.id };
    items.set(`${item.pk}|${item.sk}`, item);
  }
  for (const a of ownedAddresses(p)) {
    const key = keys.addressOwner(practiceId, a.type, a.value, p.ownerType, p.id);
    items.set(`${key.pk}|${key.sk}`, { ...key, type: 'AddressOwner', ownerType: p.ownerType, ownerId: p.id, name: p.name });
  }
  return items;
}

const del = (item: Item): TransactItem => ({ Delete: { TableName: tableName, Key: { pk: item['pk'], sk: item['sk'] } } });

/** The writes that take a person's finder items from `before` to `after`. */
export function finderChanges(practiceId: string, before: Findable, after: Findable): TransactItem[] {
  const oldItems = finderItems(practiceId, before);
  const newItems = finderItems(practiceId, after);
  return [
    ...[...oldItems].filter(([k]) => !newItems.has(k)).map(([, item]) => del(item)),
    // Owner entries carry the name: rewrite them all when the name changes.
    ...[...newItems]
      .filter(([k, item]) => !oldItems.has(k) || (item['type'] === 'AddressOwner' && before.name !== after.name))
      .map(([, item]) => putItem(item)),
  ];
}
