/** What every contact use case shares: its dependencies, the view of a contact, loading one, its addresses. */
import type { Caller } from '../../domain/caller.js';
import { notFound } from '../../domain/errors.js';
import { ownedAddresses, type BlockDeps } from '../blocks/index.js';
import type { AddressType, Person } from '../blocks/ports.js';
import type { Clock } from '../clock.js';
import type { DirectoryReader } from '../directory-ports.js';
import type { ContactMessageLog, ContactRecord, ContactRepository, GroupRepository } from './ports.js';

export interface ContactDeps {
  contacts: ContactRepository;
  groups: GroupRepository;
  /** The messages sent to each contact (its history). */
  messages: ContactMessageLog;
  directory: DirectoryReader;
  /** The blocks module's own dependencies: contacts block and unblock through its use cases. */
  blocking: BlockDeps;
  now: Clock;
}

export type ContactView = Omit<ContactRecord, 'blockHistoryIds'>;
export const contactView = ({ blockHistoryIds: _history, ...rest }: ContactRecord): ContactView => rest;

export type Address = { type: AddressType; value: string };

/** A contact's addresses, deduplicated (both phones may be one number). */
export const addressesOf = (c: Pick<ContactRecord, 'email' | 'primaryPhone' | 'secondaryPhone'>): Address[] =>
  ownedAddresses({ email: c.email, phones: [c.primaryPhone, c.secondaryPhone] });
export const keyOf = (a: Address) => `${a.type}:${a.value}`;

export const personOf = (c: { id: string; name: string }): Person => ({ id: c.id, name: c.name });

export async function loadContact(deps: ContactDeps, caller: Caller, id: string): Promise<ContactRecord> {
  const c = await deps.contacts.getContact(caller.practiceId, id);
  if (!c) throw notFound('Contact');
  return c;
}
