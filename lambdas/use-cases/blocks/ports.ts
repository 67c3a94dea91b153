/** Ports of the block use cases; the DynamoDB adapter implements them. */
import type { Caller } from '../../domain/caller.js';
import type { Page, PageRequest } from '../page.js';

export type AddressType = 'email' | 'phone';

export interface Person {
  id: string;
  name: string | null;
}

export interface BlockRecord {
  id: string;
  type: AddressType;
  value: string;
  reason: string | null;
  hideExisting: boolean;
  patient: Person | null;
  contact: Person | null;
  blockedBy: Person;
  blockedAt: string;
  updatedAt: string;
  status: 'active' | 'unblocked';
  unblockedAt: string | null;
  unblockedBy: Person | null;
}

export interface BlockEvent {
  id: string;
  action: 'blocked' | 'updated' | 'unblocked';
  by: Person;
  at: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface BlockListQuery extends PageRequest {
  type?: AddressType | undefined;
  q?: string | undefined;
  patientId?: string | undefined;
  contactId?: string | undefined;
  blockedFrom?: string | undefined;
  blockedTo?: string | undefined;
}

export interface ActiveBlock {
  blockId: string;
  type: AddressType;
  value: string;
  hideExisting: boolean;
}

/** The counters of one 15-minute UTC slot, `at` its start (an ISO instant). */
export interface SlotCount {
  at: string;
  blocked: number;
  unblocked: number;
  quarantined: number;
}

/**
 * Told after a block route (POST /v1/blocks, a patient's methods, from conversations, DELETE
 * /v1/blocks/{id}) blocked or unblocked addresses, so whoever owns them can follow: a contact's
 * status follows its blocks. The contact routes block and unblock through `blockAddress` and
 * `unblock`, which tell nobody: they update the contact themselves.
 */
export interface BlockFollower {
  followBlocks(caller: Caller, addresses: readonly { type: AddressType; value: string }[]): Promise<void>;
}

export class AlreadyBlocked extends Error {
  constructor(readonly existingBlockId: string) {
    super('already blocked');
    this.name = 'AlreadyBlocked';
  }
}

export interface BlockRepository {
  /** Writes the block, its address entry, the first history event and the slot's counter at once. */
  create(practiceId: string, block: BlockRecord, event: BlockEvent): Promise<void>;
  get(practiceId: string, id: string): Promise<BlockRecord | null>;
  /** Active blocks among these addresses: one BatchGetItem per 100. */
  activeAmong(practiceId: string, addresses: readonly { type: AddressType; value: string }[]): Promise<ActiveBlock[]>;
  /** False when the record changed since it was read. */
  update(practiceId: string, before: BlockRecord, after: BlockRecord, event: BlockEvent): Promise<boolean>;
  unblock(practiceId: string, before: BlockRecord, after: BlockRecord, event: BlockEvent): Promise<boolean>;
  list(practiceId: string, query: BlockListQuery): Promise<Page<BlockRecord>>;
  history(practiceId: string, id: string, page: PageRequest): Promise<Page<BlockEvent>>;
  /** The 15-minute UTC slots with counts whose start is in [from, to) (ISO instants): one Query. */
  slotCounts(practiceId: string, from: string, to: string): Promise<SlotCount[]>;
  /** Counts a quarantined inbound message in the slot of `at` (an ISO instant). */
  countQuarantined(practiceId: string, at: string): Promise<void>;
}
