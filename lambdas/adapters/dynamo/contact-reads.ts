/**
 * Contacts read by id alone (a conversation's contact addresses on the send path). The send path
 * composes this instead of DynamoContactRepository, whose writes carry the contacts' search
 * tokens (phone formatting, libphonenumber-js).
 */
import type { ContactRecord } from '../../use-cases/contacts/ports.js';
import { contactFrom } from './contact-items.js';
import { getByIdsBatched } from './request-batch.js';
import { keys } from './keys.js';

/** Contacts by id, read with whatever else this turn reads (request-batch.ts); missing ones left out. */
export const getContactsByIds = (practiceId: string, ids: readonly string[]): Promise<ContactRecord[]> =>
  getByIdsBatched(ids, (id) => keys.contact(practiceId, id), contactFrom);

export const contactReads = { getContacts: getContactsByIds };
