/**
 * Every key of the single table, one small function per item type. All keys start with the
 * practice (`P#<practiceId>#`), so tenant isolation is in the key. docs/data-model.md lists the
 * access pattern each serves.
 */
const P = (practiceId: string) => `P#${practiceId}`;

export const keys = {
  /** Practice settings: GetItem. */
  settings: (practiceId: string) => ({ pk: `${P(practiceId)}#SETTINGS`, sk: 'SETTINGS' }),

  /** A staff member: GetItem by id. */
  staff: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#STAFF#${id}`, sk: 'STAFF' }),
  /** gsi1: the practice's staff, ordered by name. */
  staffByName: (practiceId: string, name: string, id: string) => ({
    gsi1pk: `${P(practiceId)}#STAFF`,
    gsi1sk: `${sortableName(name)}#${id}`,
  }),
  staffListPk: (practiceId: string) => `${P(practiceId)}#STAFF`,
  /** gsi2, only while the staff member is active: the practice's active staff of one role, by name (role participants). */
  staffByRole: (practiceId: string, role: string, name: string, id: string) => ({
    gsi2pk: `${P(practiceId)}#STAFFROLE#${role}`,
    gsi2sk: `${sortableName(name)}#${id}`,
  }),
  staffByRolePk: (practiceId: string, role: string) => `${P(practiceId)}#STAFFROLE#${role}`,

  /** A patient: GetItem by id. */
  patient: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#PATIENT#${id}`, sk: 'PATIENT' }),
  /** gsi1: the practice's patients, ordered by name. */
  patientByName: (practiceId: string, name: string, id: string) => ({
    gsi1pk: `${P(practiceId)}#PATIENTS`,
    gsi1sk: `${sortableName(name)}#${id}`,
  }),
  patientListPk: (practiceId: string) => `${P(practiceId)}#PATIENTS`,
  /** Patient search: one item per token (name word, email, phone digits); Query begins_with. */
  patientSearchPk: (practiceId: string) => `${P(practiceId)}#PSEARCH`,
  patientSearchToken: (practiceId: string, token: string, patientId: string) => ({
    pk: `${P(practiceId)}#PSEARCH`,
    sk: `${token}#${patientId}`,
  }),

  /** Conversation partition: META, MSG#<mid>, DLV#<mid>#<n>, PART#<type>#<id>. */
  conversationPk: (practiceId: string, id: string) => `${P(practiceId)}#CONV#${id}`,
  conversation: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#CONV#${id}`, sk: 'META' }),
  message: (practiceId: string, conversationId: string, messageId: string) => ({
    pk: `${P(practiceId)}#CONV#${conversationId}`,
    sk: `MSG#${messageId}`,
  }),
  delivery: (practiceId: string, conversationId: string, messageId: string, index: number) => ({
    pk: `${P(practiceId)}#CONV#${conversationId}`,
    sk: `DLV#${messageId}#${String(index).padStart(3, '0')}`,
  }),
  participantState: (practiceId: string, conversationId: string, partyType: string, partyId: string) => ({
    pk: `${P(practiceId)}#CONV#${conversationId}`,
    sk: `PART#${partyType}#${partyId}`,
  }),
  /** A send's participant chunk (large conversations): the parties whose states the stream writes; removed when done. */
  participantChunk: (practiceId: string, conversationId: string, messageId: string, index: number) => ({
    pk: `${P(practiceId)}#CONV#${conversationId}`,
    sk: `FANOUT#${messageId}#${String(index).padStart(3, '0')}`,
  }),
  /** gsi1 (open or archived), gsi2 (open, by status), gsi3 (open and starred): a party's inbox. */
  inbox: (practiceId: string, partyType: string, partyId: string) => `${P(practiceId)}#INBOX#${partyType}#${partyId}`,
  archive: (practiceId: string, partyType: string, partyId: string) => `${P(practiceId)}#ARCHIVE#${partyType}#${partyId}`,
  inboxByStatus: (practiceId: string, partyType: string, partyId: string, status: string) =>
    `${P(practiceId)}#INBOX#${partyType}#${partyId}#${status}`,
  starred: (practiceId: string, partyType: string, partyId: string) => `${P(practiceId)}#STAR#${partyType}#${partyId}`,
  /** The provider–patient pair: which conversations hold exactly that patient and that provider. */
  pair: (practiceId: string, providerId: string, patientId: string) => ({
    pk: `${P(practiceId)}#PAIR#${providerId}#${patientId}`,
    sk: 'PAIR',
  }),
  /** In the patient's partition: correspondence pointers, chart notes, the call-log conversation. */
  correspondence: (practiceId: string, patientId: string, messageId: string) => ({
    pk: `${P(practiceId)}#PATIENT#${patientId}`,
    sk: `CORR#${messageId}`,
  }),
  note: (practiceId: string, patientId: string, noteId: string) => ({
    pk: `${P(practiceId)}#PATIENT#${patientId}`,
    sk: `NOTE#${noteId}`,
  }),
  callLog: (practiceId: string, patientId: string) => ({ pk: `${P(practiceId)}#PATIENT#${patientId}`, sk: 'CALLLOG' }),
  /** The ids of the patient's groups (a string set), beside the patient: read with it in one BatchGetItem. */
  patientGroups: (practiceId: string, patientId: string) => ({ pk: `${P(practiceId)}#PATIENT#${patientId}`, sk: 'GROUPS' }),
  patientPk: (practiceId: string, patientId: string) => `${P(practiceId)}#PATIENT#${patientId}`,

  /** Who has an address: one item per owner (`patient#<id>`, `contact#<id>`) under the address. */
  addressOwnerPk: (practiceId: string, type: 'email' | 'phone', value: string) => `${P(practiceId)}#ADDR#${type}#${value}`,
  addressOwner: (practiceId: string, type: 'email' | 'phone', value: string, ownerType: string, ownerId: string) => ({
    pk: `${P(practiceId)}#ADDR#${type}#${value}`,
    sk: `${ownerType}#${ownerId}`,
  }),

  /** The active block of an address: the one GetItem of the block check. */
  blockedAddress: (practiceId: string, type: 'email' | 'phone', value: string) => ({
    pk: `${P(practiceId)}#BLOCK#${type}#${value}`,
    sk: 'BLOCK',
  }),
  /** A block record by id (kept after unblock), and its history events in the same partition. */
  blockPk: (practiceId: string, id: string) => `${P(practiceId)}#BLOCKREF#${id}`,
  block: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#BLOCKREF#${id}`, sk: 'REF' }),
  blockEvent: (practiceId: string, id: string, at: string, eventId: string) => ({
    pk: `${P(practiceId)}#BLOCKREF#${id}`,
    sk: `EVENT#${at}#${eventId}`,
  }),
  /** gsi1: active blocks by date; gsi2: active blocks of a patient, of a contact. */
  blocksByDatePk: (practiceId: string) => `${P(practiceId)}#BLOCKS`,
  blocksOfPatientPk: (practiceId: string, patientId: string) => `${P(practiceId)}#PATBLOCKS#${patientId}`,
  blocksOfContactPk: (practiceId: string, contactId: string) => `${P(practiceId)}#CONBLOCKS#${contactId}`,
  /** Counters of blocks, unblocks and quarantined inbound messages per 15-minute UTC slot (`2026-11-30T17:15`). */
  blockStatsPk: (practiceId: string) => `${P(practiceId)}#BLOCKSTATS`,
  blockStats: (practiceId: string, slot: string) => ({ pk: `${P(practiceId)}#BLOCKSTATS`, sk: `SLOT#${slot}` }),

  /** A contact (non-patient person): GetItem by id; its partition also holds its group links. */
  contactPk: (practiceId: string, id: string) => `${P(practiceId)}#CONTACT#${id}`,
  contact: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#CONTACT#${id}`, sk: 'CONTACT' }),
  /** A message sent to the contact (a broadcast's), in its partition: its history reads them newest first. */
  contactMessage: (practiceId: string, contactId: string, at: string, messageId: string) => ({
    pk: `${P(practiceId)}#CONTACT#${contactId}`,
    sk: `MSG#${at}#${messageId}`,
  }),
  /** gsi1: the practice's contacts by name. */
  contactListPk: (practiceId: string) => `${P(practiceId)}#CONTACTS`,
  contactByName: (practiceId: string, name: string, id: string) => ({
    gsi1pk: `${P(practiceId)}#CONTACTS`,
    gsi1sk: `${sortableName(name)}#${id}`,
  }),
  /** gsi2: contacts of one status; blocked ones by blocking time, the others by name. */
  contactsByStatusPk: (practiceId: string, status: string) => `${P(practiceId)}#CONTACTS#${status}`,
  /** gsi3: contacts of one category (case-insensitive), by name. */
  contactsByCategoryPk: (practiceId: string, category: string) => `${P(practiceId)}#CONTACTCAT#${sortableName(category)}`,
  contactSortKey: (name: string, id: string) => `${sortableName(name)}#${id}`,
  /** Contact search: one item per token, as for patients. */
  contactSearchPk: (practiceId: string) => `${P(practiceId)}#CSEARCH`,
  contactSearchToken: (practiceId: string, token: string, contactId: string) => ({
    pk: `${P(practiceId)}#CSEARCH`,
    sk: `${token}#${contactId}`,
  }),

  /** A group: GetItem; its members in the same partition (`MEMBER#<type>#<id>`). */
  groupPk: (practiceId: string, id: string) => `${P(practiceId)}#GROUP#${id}`,
  group: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#GROUP#${id}`, sk: 'GROUP' }),
  groupListPk: (practiceId: string) => `${P(practiceId)}#GROUPS`,
  groupByName: (practiceId: string, name: string, id: string) => ({
    gsi1pk: `${P(practiceId)}#GROUPS`,
    gsi1sk: `${sortableName(name)}#${id}`,
  }),
  groupMember: (practiceId: string, groupId: string, memberType: string, memberId: string) => ({
    pk: `${P(practiceId)}#GROUP#${groupId}`,
    sk: `MEMBER#${memberType}#${memberId}`,
  }),
  /** Reverse link in the member's own partition: a patient's (or contact's) groups are one Query. */
  memberGroupLink: (practiceId: string, memberType: 'patient' | 'contact', memberId: string, groupId: string) => ({
    pk: memberType === 'patient' ? `${P(practiceId)}#PATIENT#${memberId}` : `${P(practiceId)}#CONTACT#${memberId}`,
    sk: `GROUP#${groupId}`,
  }),

  /** A suppressed address (bounce, complaint, SMS opt-out): checked by the dispatcher with the blocks. */
  suppression: (practiceId: string, type: 'email' | 'phone', value: string) => ({
    pk: `${P(practiceId)}#SUPPRESS#${type}#${value}`,
    sk: 'SUPPRESS',
  }),
  /** gsi1 on a suppression item: the practice's suppressions by id (a ULID: by time); a lookup by id is one Query. */
  suppressionsPk: (practiceId: string) => `${P(practiceId)}#SUPPRESSIONS`,
  /** An inbound message's provider id, claimed in the transaction that stores it: a provider's retry finds it taken. */
  inboundOnce: (practiceId: string, provider: string, providerMessageId: string) => ({
    pk: `${P(practiceId)}#INMSG#${provider}#${providerMessageId}`,
    sk: 'INMSG',
  }),
  /** The one contact an unknown inbound address becomes: claimed before it is created, so concurrent messages make one contact. */
  inboundContact: (practiceId: string, type: 'email' | 'phone', value: string) => ({ pk: `${P(practiceId)}#INCONTACT#${type}#${value}`, sk: 'INCONTACT' }),
  /** A quarantined inbound message (blocked sender) in the practice's quarantine partition, by time; gsi1: by block. */
  quarantinePk: (practiceId: string) => `${P(practiceId)}#QUARANTINE`,
  quarantine: (practiceId: string, receivedAt: string, id: string) => ({ pk: `${P(practiceId)}#QUARANTINE`, sk: `Q#${receivedAt}#${id}` }),
  quarantineByBlock: (practiceId: string, blockId: string, receivedAt: string, id: string) => ({
    gsi1pk: `${P(practiceId)}#QBLOCK#${blockId}`,
    gsi1sk: `${receivedAt}#${id}`,
  }),
  /** gsi3 on a sent delivery: find it again from a provider status callback (in the practice's key space, like every key). */
  providerMessage: (practiceId: string, providerMessageId: string) => ({ gsi3pk: `${P(practiceId)}#PMID#${providerMessageId}`, gsi3sk: 'DLV' }),

  /**
   * The sweeper's sparse index (`leases`): set only while a delivery is `queued` or `sending`,
   * removed when it ends. `leaseDue` is when the sweeper should look at it; the partition is one
   * of LEASE_SHARDS system partitions (the sweep reads across practices; no request path does).
   */
  deliveryLease: (practiceId: string, conversationId: string, sk: string, due: string) => ({
    leasePk: `LEASE#${leaseShard(`${practiceId}/${conversationId}/${sk}`)}`,
    leaseDue: due,
  }),
  leaseShards: () => Array.from({ length: LEASE_SHARDS }, (_, i) => `LEASE#${i}`),
  /** A dispatcher batch's open broadcast tally (delivery-ports.ts TallyStore), on the lease index's `TALLY` partition while open. */
  broadcastTally: (practiceId: string, tallyId: string) => ({ pk: `${P(practiceId)}#BTALLY#${tallyId}`, sk: 'BTALLY' }),
  /** An open tally's lease: the `TALLY` system partition of the lease index (the sweeper alone reads it, across practices). */
  tallyLease: (due: string) => ({ leasePk: 'TALLY', leaseDue: due }),

  /** A broadcast and its recipient chunks (≤ 100 recipients each; each chunk fans out off the stream). */
  broadcast: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#BCAST#${id}`, sk: 'BCAST' }),
  broadcastChunk: (practiceId: string, id: string, index: number) => ({
    pk: `${P(practiceId)}#BCAST#${id}`,
    sk: `CHUNK#${String(index).padStart(5, '0')}`,
  }),
  /** A part of a broadcast's audience as the request named it (written with the broadcast). */
  broadcastAudience: (practiceId: string, id: string, part: number) => ({ pk: `${P(practiceId)}#BCAST#${id}`, sk: `AUDIENCE#${String(part).padStart(3, '0')}` }),
  /** Marker of a chunk whose tally was added to the broadcast (written once, in the same transaction). */
  broadcastChunkDone: (practiceId: string, id: string, index: number) => ({
    pk: `${P(practiceId)}#BCAST#${id}`,
    sk: `DONE#${String(index).padStart(5, '0')}`,
  }),

  /** An audit event (deletions, staff changes): append-only, no `ttl`, in the practice's audit partition, oldest first. */
  auditEvent: (practiceId: string, at: string, eventId: string) => ({ pk: `${P(practiceId)}#AUDIT`, sk: `EVENT#${at}#${eventId}` }),

  /** A draft, in its author's drafts partition (drafts are private: the key names the author); newest first by id. */
  draftsPk: (practiceId: string, authorType: string, authorId: string) => `${P(practiceId)}#DRAFTS#${authorType}#${authorId}`,
  draft: (practiceId: string, authorType: string, authorId: string, id: string) => ({
    pk: `${P(practiceId)}#DRAFTS#${authorType}#${authorId}`,
    sk: `DRAFT#${id}`,
  }),

  /** An attachment (upload, check, where it is attached): GetItem by id, BatchGetItem to attach many. */
  attachment: (practiceId: string, id: string) => ({ pk: `${P(practiceId)}#ATT#${id}`, sk: 'ATT' }),

  /** The practice's channel settings (SMS numbers, WhatsApp phone-number ids, inbound addresses): GetItem. */
  channelSettings: (practiceId: string) => ({ pk: `${P(practiceId)}#SETTINGS`, sk: 'CHANNELS' }),
  /**
   * System key, deliberately NOT practice-first: the claim of one destination (an SMS number, a
   * WhatsApp phone-number id, an inbound address) by the one practice holding it. A webhook looks
   * it up by destination before any practice is known (one GetItem); the item names its practice.
   */
  channelClaim: (kind: 'sms' | 'whatsapp' | 'email', value: string) => ({ pk: `CHANNEL#${kind}#${value}`, sk: 'CLAIM' }),

  /** Idempotency record of one caller's key on one route. */
  idempotency: (practiceId: string, scope: string) => ({ pk: `${P(practiceId)}#IDEM#${scope}`, sk: 'IDEM' }),
};

const sortableName = (name: string) => name.trim().toLowerCase().replace(/#/g, '');

const LEASE_SHARDS = 4;
/** A stable small hash (FNV-1a) of a delivery id, spreading leases over the shards. */
function leaseShard(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % LEASE_SHARDS;
}
