/**
 * What a send reads besides the conversation, in two rounds of reads started together, so that
 * each round is one BatchGetItem (the DynamoDB adapters coalesce the reads of one request made in
 * the same turn: adapters/dynamo/request-batch.ts):
 *  1. the patients, their group ids, the practice settings, the staff records, the contacts, and
 *     whatever the caller reads alongside (a reply: the participant states) — every key is known
 *     from the participant list — and the block check of the addresses the send is expected to
 *     use (a reply: those its conversation's last send checked);
 *  2. the chat settings of the patients' groups (only for a patient whose own setting leaves a
 *     value open, and who has groups) and the block check of every address the send may use
 *     that round 1 did not check (notification emails included whatever the settings say: a
 *     superset of what is delivered). A reply whose addresses have not changed and whose
 *     patients' groups say nothing reads no second round.
 * The rules then decide on what was read; nothing is read again (planDeliveries takes the staff and
 * the block check, and checks any address it was not given).
 */
import { defaultChatSettings, effectiveChat } from '../../domain/chat-settings.js';
import type { Channel, PatientFacts } from '../../domain/conversation-policy.js';
import type { PatientRecord, StaffRecord } from '../directory-ports.js';
import { addressesToCheck, keyOf, type KnownForPlan } from './deliveries.js';
import { factsOf, toFacts } from './facts.js';
import type { ContactAddressReader, ConversationDeps, PartyRef } from './ports.js';

type ContactAddresses = Awaited<ReturnType<ContactAddressReader['getContacts']>>[number];

export interface SendReadsInput<T> {
  channel: Channel;
  author: PartyRef;
  patientIds: readonly string[];
  staffIds: readonly string[];
  contactIds: readonly string[];
  /** Read in the first round too (started in the same turn). */
  alongside?: () => Promise<T>;
  /** Addresses (`type:value`) the send is expected to use: checked for blocks in the first round. */
  expectedLookups?: readonly string[] | undefined;
}

export interface SendReads<T> {
  /** The patients found, in the order asked. */
  patients: PatientRecord[];
  facts: PatientFacts[];
  staff: StaffRecord[];
  contacts: ContactAddresses[];
  /** For planDeliveries: the staff read and the block check made. */
  known: KnownForPlan;
  /** Every address the send may use (`type:value`), for its conversation to keep (at most MAX_KEPT_LOOKUPS, else undefined). */
  lookups: string[] | undefined;
  alongside: T | undefined;
}

/** A conversation keeps its last send's addresses only when they are this few (a large conversation keeps none). */
export const MAX_KEPT_LOOKUPS = 10;

const lookupOf = (key: string): { type: 'email' | 'phone'; value: string } | null => {
  const at = key.indexOf(':');
  const type = key.slice(0, at);
  return at > 0 && (type === 'email' || type === 'phone') ? { type, value: key.slice(at + 1) } : null;
};

export async function readForSend<T>(deps: ConversationDeps, practiceId: string, input: SendReadsInput<T>): Promise<SendReads<T>> {
  const { patientIds, staffIds, contactIds } = input;
  const expected = (input.expectedLookups ?? []).map(lookupOf).filter((l): l is NonNullable<typeof l> => l !== null).slice(0, MAX_KEPT_LOOKUPS);
  const [patients, settings, groupIds, staff, contacts, alongside, blockedExpected] = await Promise.all([
    patientIds.length ? deps.directory.getPatients(practiceId, patientIds) : Promise.resolve([]),
    patientIds.length ? deps.directory.getSettings(practiceId) : Promise.resolve(undefined),
    patientIds.length && deps.chat ? deps.chat.groupIdsOf(practiceId, patientIds) : Promise.resolve(undefined),
    staffIds.length ? deps.directory.getStaffMany(practiceId, staffIds) : Promise.resolve([]),
    contactIds.length && deps.contacts ? deps.contacts.getContacts(practiceId, contactIds) : Promise.resolve([]),
    input.alongside?.(),
    expected.length ? deps.blocks.blockedAmong(practiceId, expected) : Promise.resolve(new Set<string>()),
  ]);
  // The block check cannot wait for the effective settings: every address the send may use.
  const anyChat = (p: PatientRecord) => toFacts(p, effectiveChat(p.chat, [], defaultChatSettings));
  const lookups = addressesToCheck(input.channel, input.author, patients.map(anyChat), staff, staffIds, contacts);
  const checkedFirst = new Set(expected.map(keyOf));
  const unchecked = lookups.filter((l) => !checkedFirst.has(keyOf(l)));
  const [chats, blockedLater] = await Promise.all([
    patients.length && settings && deps.chat ? deps.chat.effectiveFor(practiceId, patients, settings, groupIds) : Promise.resolve(undefined),
    unchecked.length ? deps.blocks.blockedAmong(practiceId, unchecked) : Promise.resolve(new Set<string>()),
  ]);
  const keys = [...new Set(lookups.map(keyOf))];
  return {
    patients,
    facts: settings ? factsOf(patients, settings, chats) : [],
    staff,
    contacts,
    known: { staff, blocks: { checked: new Set([...checkedFirst, ...unchecked.map(keyOf)]), blocked: new Set([...blockedExpected, ...blockedLater]) } },
    lookups: keys.length <= MAX_KEPT_LOOKUPS ? keys : undefined,
    alongside,
  };
}
