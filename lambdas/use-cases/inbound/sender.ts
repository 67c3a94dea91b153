/**
 * Who sent an inbound message: the patient with that address, else a contact with it, else a
 * new contact of category `inbound` (through the contacts repository, so it is searchable, listed
 * and blockable like any other). Concurrent messages from one unknown address make one contact:
 * its id is claimed per address first (`claimInboundContact`), then the contact is written.
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
  // One contact per address, however many messages from it arrive at once: the first claim names it.
  const id = await deps.store.claimInboundContact(practiceId, type, address, ulid(Date.parse(at)));
  const contact: ContactRecord = {
    id,
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
  try {
    await deps.contacts.createContact(practiceId, contact);
  } catch (error) {
    // Written by a concurrent message from the same address (or by this message's earlier attempt)?
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!(await deps.contacts.getContact(practiceId, id))) throw error;
  }
  return { type: 'contact', id, name: address, role: 'patient' };
}
