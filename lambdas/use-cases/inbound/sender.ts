/**
 * Who sent an inbound message: the patient with that address, else a contact with it, else a
 * new contact of category `inbound` (through the contacts repository, so it is searchable, listed
 * and blockable like any other). Two messages from one unknown address at the same instant may
 * each create a contact; from then on the oldest (smallest id) is the one used.
 */
import { ulid } from 'ulid';
import type { Party } from '../../domain/conversation-policy.js';
import type { ContactRecord } from '../contacts/ports.js';
import type { AddressType, InboundDeps } from './ports.js';

export const INBOUND_CATEGORY = 'inbound';

export async function senderParty(deps: InboundDeps, practiceId: string, type: AddressType, address: string): Promise<Party> {
  const owners = await deps.directory.addressOwners(practiceId, type, address);
  const byId = (a: { ownerId: string }, b: { ownerId: string }) => a.ownerId.localeCompare(b.ownerId);
  const patient = owners.filter((o) => o.ownerType === 'patient').sort(byId)[0];
  if (patient) return { type: 'patient', id: patient.ownerId, name: patient.name, role: 'patient' };
  const contact = owners.filter((o) => o.ownerType === 'contact').sort(byId)[0];
  if (contact) return { type: 'contact', id: contact.ownerId, name: contact.name, role: 'patient' };
  return createInboundContact(deps, practiceId, type, address);
}

async function createInboundContact(deps: InboundDeps, practiceId: string, type: AddressType, address: string): Promise<Party> {
  const at = deps.now().toISOString();
  const contact: ContactRecord = {
    id: ulid(Date.parse(at)),
    // Named by its address until staff rename it.
    name: address,
    email: type === 'email' ? address : null,
    primaryPhone: type === 'phone' ? address : null,
    secondaryPhone: null,
    category: INBOUND_CATEGORY,
    groupIds: [],
    status: 'active',
    blockReason: null,
    blockedAt: null,
    blockIds: [],
    createdAt: at,
    updatedAt: at,
    blockHistoryIds: [],
  };
  await deps.contacts.createContact(practiceId, contact);
  return { type: 'contact', id: contact.id, name: contact.name, role: 'patient' };
}
