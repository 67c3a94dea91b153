/**
 * In-memory fakes of the conversation use cases' ports, with the conditions the DynamoDB
 * adapters enforce (a send over a moved conversation or a changed state loses the race; an
 * exclusive provider–patient pair can be taken once). Tests read what was written from them.
 */
import type { Caller } from '../../../lambdas/domain/caller.js';
import type { DomainError } from '../../../lambdas/domain/errors.js';
import type { ChatSettings } from '../../../lambdas/domain/chat-settings.js';
import { defaultChatSettings } from '../../../lambdas/domain/chat-settings.js';
import {
  DraftGone,
  PairTaken,
  type DraftRef,
  WriteConflict,
  type ConversationDeps,
  type ConversationRecord,
  type ConversationRepository,
  type InboxEntry,
  type InboxQuery,
  type MessageRecord,
  type PartyRef,
  type SendPlan,
  type StateRecord,
} from '../../../lambdas/use-cases/conversations/index.js';
import type { DirectoryRepository, PatientRecord, PracticeSettingsRecord, StaffRecord } from '../../../lambdas/use-cases/directory-ports.js';
import type { StaffRole } from '../../../lambdas/domain/caller.js';
import type { Page } from '../../../lambdas/use-cases/page.js';
import type { AuditEvent, AuditTrail } from '../../../lambdas/use-cases/audit.js';

const stateKey = (conversationId: string, party: PartyRef) => `${conversationId}|${party.type}:${party.id}`;

export class InMemoryConversations implements ConversationRepository {
  readonly conversations = new Map<string, ConversationRecord>();
  readonly stateRecords = new Map<string, StateRecord>();
  readonly messages: MessageRecord[] = [];
  /** Every plan written (a lost race writes nothing and is not listed). */
  readonly sent: SendPlan[] = [];
  readonly pairs = new Map<string, string[]>();
  readonly callLogs = new Map<string, string>();
  /** Writes attempted, won or lost. */
  writeAttempts = 0;
  /** The next this-many writes (send or putState) lose a race to another writer. */
  racesToLose = 0;

  private loseRace(): void {
    this.writeAttempts++;
    if (this.racesToLose > 0) {
      this.racesToLose--;
      throw new WriteConflict();
    }
  }

  async get(_practiceId: string, id: string): Promise<ConversationRecord | null> {
    return this.conversations.get(id) ?? null;
  }
  async states(_practiceId: string, id: string): Promise<StateRecord[]> {
    return [...this.stateRecords.values()].filter((s) => s.conversationId === id);
  }
  async state(_practiceId: string, id: string, party: PartyRef): Promise<StateRecord | null> {
    return this.stateRecords.get(stateKey(id, party)) ?? null;
  }
  async statesOf(_practiceId: string, id: string, parties: readonly PartyRef[]): Promise<StateRecord[]> {
    return parties.flatMap((p) => this.stateRecords.get(stateKey(id, p)) ?? []);
  }

  /** Deletes the draft a send is made from, in the send's own write; false when it is gone (set by the drafts tests). */
  consumeDraft?: (ref: DraftRef) => boolean;

  async send(_practiceId: string, plan: SendPlan): Promise<void> {
    this.loseRace();
    if (plan.fromDraft && this.consumeDraft && !this.consumeDraft(plan.fromDraft)) throw new DraftGone();
    const c = plan.conversation;
    const before = this.conversations.get(c.id);
    if (plan.isNew ? before : !before || before.lastMessageAt >= c.lastMessageAt) throw new WriteConflict();
    for (const s of plan.states) this.assertVersion(s);
    for (const p of plan.pairs) {
      if (p.exclusive && (this.pairs.get(`${p.providerId}|${p.patientId}`)?.length ?? 0) > 0) throw new PairTaken(p.providerId, p.patientId);
    }
    this.conversations.set(c.id, c);
    this.messages.push(plan.message);
    for (const s of plan.states) this.putVersioned(s);
    for (const p of plan.pairs) this.pairs.set(`${p.providerId}|${p.patientId}`, [...(this.pairs.get(`${p.providerId}|${p.patientId}`) ?? []), c.id]);
    if (plan.callLogOf) this.callLogs.set(plan.callLogOf, c.id);
    this.sent.push(plan);
  }

  async putState(_practiceId: string, _c: ConversationRecord, state: StateRecord): Promise<void> {
    this.loseRace();
    this.assertVersion(state);
    this.putVersioned(state);
  }

  private assertVersion(s: StateRecord): void {
    const current = this.stateRecords.get(stateKey(s.conversationId, s.party));
    if (current?.version !== s.version) throw new WriteConflict();
  }
  private putVersioned(s: StateRecord): void {
    this.stateRecords.set(stateKey(s.conversationId, s.party), { ...s, version: (s.version ?? 0) + 1 });
  }

  async inbox(_practiceId: string, party: PartyRef, _query: InboxQuery): Promise<Page<InboxEntry>> {
    const mine = [...this.stateRecords.values()].filter((s) => s.party.type === party.type && s.party.id === party.id);
    return { items: mine.map((s) => ({ ...s, conversation: this.conversations.get(s.conversationId) as ConversationRecord })), nextCursor: null };
  }
  async pairConversation(_practiceId: string, providerId: string, patientId: string): Promise<string | null> {
    return this.pairs.get(`${providerId}|${patientId}`)?.[0] ?? null;
  }
  async callLogConversation(_practiceId: string, patientId: string): Promise<string | null> {
    return this.callLogs.get(patientId) ?? null;
  }
  async deleteConversation(_practiceId: string, c: ConversationRecord): Promise<void> {
    this.conversations.delete(c.id);
  }

  /** A conversation already in the store, with a read state for each participant. */
  seed(c: ConversationRecord): ConversationRecord {
    this.conversations.set(c.id, c);
    for (const p of c.participants) {
      this.putVersioned({ conversationId: c.id, party: { type: p.type, id: p.id }, status: 'read', archived: false, starred: false, lastMessageAt: c.lastMessageAt });
    }
    return c;
  }
}

const notUsed = (): never => {
  throw new Error('not used by the conversation use cases');
};

export class InMemoryDirectory implements DirectoryRepository {
  readonly staff = new Map<string, StaffRecord>();
  readonly patients = new Map<string, PatientRecord>();
  settings: PracticeSettingsRecord = {
    name: null,
    defaultRegion: 'US',
    timeZone: 'America/New_York',
    chatDefault: defaultChatSettings,
    chatChanges: [],
    updatedAt: null,
  };

  addStaff(role: StaffRole, id = `${role}-1`): StaffRecord {
    const s: StaffRecord = { id, name: `${role} ${id}`, email: null, phone: null, role, permissions: ['send_messages'], status: 'active', createdAt: T0, updatedAt: T0 };
    this.staff.set(id, s);
    return s;
  }
  addPatient(id: string, over: Partial<PatientRecord> = {}): PatientRecord {
    const p: PatientRecord = {
      id,
      name: `Patient ${id}`,
      email: `${id}@example.com`,
      phone: '+12025550143',
      whatsapp: null,
      status: 'active',
      chat: null,
      createdAt: T0,
      updatedAt: T0,
      ...over,
    };
    this.patients.set(id, p);
    return p;
  }

  async getSettings(): Promise<PracticeSettingsRecord> {
    return this.settings;
  }
  async getStaff(_p: string, id: string) {
    return this.staff.get(id) ?? null;
  }
  async getStaffMany(_p: string, ids: readonly string[]) {
    return ids.flatMap((id) => this.staff.get(id) ?? []);
  }
  async activeStaffByRole(_p: string, role: StaffRole) {
    return [...this.staff.values()].filter((s) => s.role === role && s.status === 'active');
  }
  async getPatient(_p: string, id: string) {
    return this.patients.get(id) ?? null;
  }
  async getPatients(_p: string, ids: readonly string[]) {
    return ids.flatMap((id) => this.patients.get(id) ?? []);
  }
  updateSettings = notUsed;
  recordChatDefault = notUsed;
  createStaff = notUsed;
  replaceStaff = notUsed;
  listStaff = notUsed;
  createPatient = notUsed;
  replacePatient = notUsed;
  listPatients = notUsed;
  searchPatients = notUsed;
  addressOwners = notUsed;
}

export const T0 = '2026-11-30T10:00:00.000Z';

/** The audit trail: the events recorded, in order. */
export class InMemoryAuditTrail implements AuditTrail {
  readonly events: AuditEvent[] = [];
  async record(event: AuditEvent): Promise<void> {
    this.events.push(event);
  }
}

export interface Fakes {
  deps: ConversationDeps;
  conversations: InMemoryConversations;
  directory: InMemoryDirectory;
  audit: InMemoryAuditTrail;
  /** Blocked addresses, as `email:<value>` or `phone:<E.164>`. */
  blocked: Set<string>;
  /** Attachment ids that are ready, per caller id. */
  ready: Map<string, Set<string>>;
  /** Sets what the clock reads. */
  setNow(iso: string): void;
}

export function conversationFakes(): Fakes {
  const conversations = new InMemoryConversations();
  const directory = new InMemoryDirectory();
  const blocked = new Set<string>();
  const ready = new Map<string, Set<string>>();
  const audit = new InMemoryAuditTrail();
  let now = T0;
  const deps: ConversationDeps = {
    conversations,
    messages: { messages: notUsed, message: notUsed, deleteMessage: notUsed },
    correspondence: { correspondence: notUsed, correspondencePointers: notUsed, setHiddenBy: notUsed },
    notes: { addNote: notUsed, notes: notUsed },
    directory,
    blocks: { blockedAmong: async (_p, addresses) => new Set(addresses.map((a) => `${a.type}:${a.value}`).filter((k) => blocked.has(k))) },
    attachments: {
      // A ready file of 1 KB, a PDF, at files/<id>; the tests of attachments size them through their own fakes.
      readyFor: async (caller: Caller, ids) =>
        new Map(ids.filter((id) => ready.get(caller.id)?.has(id)).map((id) => [id, { id, fileName: `${id}.pdf`, contentType: 'application/pdf', size: 1024, key: `files/${id}` }])),
      markAttached: async () => undefined,
    },
    reminders: { blockedContactsOf: async () => [] },
    audit,
    now: () => new Date(now),
  };
  return { deps, conversations, directory, audit, blocked, ready, setNow: (iso) => (now = iso) };
}

export const chatOff = (over: Partial<ChatSettings>): ChatSettings => ({ ...defaultChatSettings, ...over });

/** The error a use case refused with; fails when it did not refuse. */
export async function refusal(run: Promise<unknown>): Promise<DomainError> {
  const e = await run.then(() => null, (error: unknown) => error);
  if (e === null) throw new Error('expected a refusal');
  return e as DomainError;
}
