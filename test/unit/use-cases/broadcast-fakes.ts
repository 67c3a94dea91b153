/** In-memory fakes of the broadcast ports, with the adapters' semantics (keys by recipient, a chunk counted once). */
import type { MemberRef } from '../../../lambdas/use-cases/contacts/ports.js';
import type {
  Audience,
  AudienceDirectory,
  AudiencePatient,
  BroadcastCounts,
  BroadcastRecipient,
  BroadcastRecord,
  BroadcastRepository,
  ChunkTally,
} from '../../../lambdas/use-cases/broadcasts.js';
import type { ContactRecord } from '../../../lambdas/use-cases/contacts/ports.js';
import type { PendingAnswer } from '../../../lambdas/http/idempotency.js';

export const T0 = '2026-11-30T10:00:00.000Z';

export function patient(id: string, over: Partial<AudiencePatient> = {}): AudiencePatient {
  return { id, name: `Patient ${id}`, email: null, phone: `+1202555${id.padStart(4, '0').slice(-4)}`, whatsapp: null, status: 'active', chat: null, createdAt: T0, updatedAt: T0, groupIds: [], ...over };
}

export function contact(id: string, over: Partial<ContactRecord> = {}): ContactRecord {
  return {
    id, name: `Contact ${id}`, email: null, primaryPhone: `+1303555${id.padStart(4, '0').slice(-4)}`, secondaryPhone: null, category: null, groupIds: [],
    status: 'active', blockReason: null, blockedAt: null, blockIds: [], createdAt: T0, updatedAt: T0, blockHistoryIds: [], ...over,
  };
}

export class FakeAudienceDirectory implements AudienceDirectory {
  readonly patientsById = new Map<string, AudiencePatient>();
  readonly contactsById = new Map<string, ContactRecord>();
  readonly groupsById = new Map<string, { id: string; memberCount: number; chat: { directMessaging?: boolean } | null; members: MemberRef[] }>();
  readonly blocked = new Set<string>();
  readonly optedOut = new Set<string>();
  readonly calls: string[] = [];

  async groups(_p: string, ids: readonly string[]) {
    this.calls.push('groups');
    return ids.flatMap((id) => {
      const g = this.groupsById.get(id);
      return g ? [{ id: g.id, memberCount: g.memberCount, chat: g.chat }] : [];
    });
  }
  /** Members per page (as the table's paged Queries answer them). */
  memberPage = 1_000;
  async *memberPages(_p: string, groupId: string) {
    this.calls.push('members');
    const members = [...(this.groupsById.get(groupId)?.members ?? [])];
    for (let i = 0; i < members.length; i += this.memberPage) yield members.slice(i, i + this.memberPage);
  }
  async existing(_p: string, refs: readonly MemberRef[]) {
    this.calls.push('existing');
    return new Set(refs.filter((r) => (r.type === 'patient' ? this.patientsById : this.contactsById).has(r.id)).map((r) => `${r.type}#${r.id}`));
  }
  async patients(_p: string, ids: readonly string[], options: { groups?: boolean } = {}) {
    this.calls.push(options.groups === false ? 'patients without groups' : 'patients');
    return ids.flatMap((id) => (this.patientsById.has(id) ? [{ ...this.patientsById.get(id)!, ...(options.groups === false ? { groupIds: [] } : {}) }] : []));
  }
  /** Set to list the practice's groups with chat settings up front (as the table's group index does for a preview). */
  listsGroups = false;
  groupChats = async (_p: string, limit: number) => {
    if (!this.listsGroups) return null;
    this.calls.push('groupChats');
    if (this.groupsById.size > limit) return null;
    return new Map([...this.groupsById.values()].filter((g) => g.chat).map((g) => [g.id, g.chat!]));
  };
  async contacts(_p: string, ids: readonly string[]) {
    this.calls.push('contacts');
    return ids.flatMap((id) => (this.contactsById.has(id) ? [this.contactsById.get(id)!] : []));
  }
  async settings() {
    return { name: null, defaultRegion: 'US', timeZone: 'UTC', chatDefault: { directMessaging: true, communityChat: true }, chatChanges: [], updatedAt: null } as never;
  }
  /** Set to list the practice's active blocks up front (as the table's block index does for a preview). */
  listsBlocks = false;
  blockedAddresses = async (_p: string, limit: number) => {
    if (!this.listsBlocks) return null;
    this.calls.push('blockedAddresses');
    if (this.blocked.size > limit) return null;
    return new Set([...this.blocked].map((v) => `${v.includes('@') ? 'email' : 'phone'}#${v}`));
  };
  /** Set to list the practice's opt-outs up front (as the table's suppression index does for a preview). */
  listsOptOuts = false;
  optedOutAddresses = async (_p: string, limit: number) => {
    if (!this.listsOptOuts) return null;
    this.calls.push('optedOutAddresses');
    if (this.optedOut.size > limit) return null;
    return new Set([...this.optedOut].filter((v) => !v.includes('@')).map((v) => `phone#${v}`));
  };
  /** The addresses of each `barriers` call, by what it read (`blocks`, `optOuts`). */
  readonly barrierReads: { blocks: number; optOuts: number }[] = [];
  async barriers(_p: string, addresses: readonly { value: string }[], read: { blocks?: boolean; optOuts?: boolean } = {}) {
    const { blocks = true, optOuts = true } = read;
    this.calls.push('barriers');
    this.barrierReads.push({ blocks: blocks ? addresses.length : 0, optOuts: optOuts ? addresses.length : 0 });
    return {
      blocked: new Set(addresses.map((a) => a.value).filter((v) => blocks && this.blocked.has(v))),
      optedOut: new Set(addresses.map((a) => a.value).filter((v) => optOuts && this.optedOut.has(v))),
    };
  }
}

/** The repository as the table keeps it: the answer committed with the broadcast, recipients' messages by key, chunk markers. */
export class FakeBroadcastRepository implements BroadcastRepository {
  readonly broadcasts = new Map<string, BroadcastRecord & { chunks?: number; chunksDone: number; resolved: ChunkTally[] }>();
  readonly audiences = new Map<string, Audience>();
  readonly chunks = new Map<string, MemberRef[][]>();
  /** `broadcastId/type#id` → how many times the recipient's message was written. */
  readonly written = new Map<string, number>();
  readonly counted = new Set<string>();
  constructor(private readonly commit: (answer: unknown) => Promise<void> = async () => undefined) {}

  async create(_p: string, b: BroadcastRecord, audience: Audience, answer: unknown) {
    if (this.broadcasts.has(b.id)) throw new Error('exists');
    this.broadcasts.set(b.id, { ...b, chunksDone: 0, resolved: [] });
    this.audiences.set(b.id, audience);
    await this.commit(answer);
  }
  async get(_p: string, id: string) {
    const b = this.broadcasts.get(id);
    if (!b) return null;
    const { chunks: _c, chunksDone: _d, resolved, ...record } = b;
    const preparing = b.status === 'preparing';
    const sum = (f: (t: ChunkTally) => number) => resolved.reduce((n, t) => n + f(t), 0);
    return {
      ...record,
      counts: { ...b.counts },
      recipients: preparing ? null : sum((t) => t.recipients),
      excluded: preparing
        ? null
        : {
            blocked: sum((t) => t.excluded.blocked),
            chatDisabled: sum((t) => t.excluded.chatDisabled),
            noAddress: sum((t) => t.excluded.noAddress),
            optedOut: sum((t) => t.excluded.optedOut),
            archived: sum((t) => t.excluded.archived),
          },
    };
  }
  async audience(_p: string, id: string) {
    return this.audiences.get(id)!;
  }
  async writeChunks(_p: string, id: string, chunks: readonly MemberRef[][]) {
    this.chunks.set(id, chunks.map((c) => [...c]));
  }
  async prepared(_p: string, id: string, chunks: number) {
    this.broadcasts.get(id)!.chunks = chunks;
    this.advance(id);
  }
  async alreadyWritten(_p: string, b: BroadcastRecord, recipients: readonly BroadcastRecipient[]) {
    return new Set(recipients.filter((r) => this.written.has(`${b.id}/${r.type}#${r.id}`)).map((r) => `${r.type}#${r.id}`));
  }
  async writeRecipients(_p: string, b: BroadcastRecord, recipients: readonly BroadcastRecipient[]) {
    for (const r of recipients) this.written.set(`${b.id}/${r.type}#${r.id}`, (this.written.get(`${b.id}/${r.type}#${r.id}`) ?? 0) + 1);
  }
  async completeChunk(_p: string, id: string, index: number, t: ChunkTally) {
    if (this.counted.has(`${id}/${index}`)) return false;
    this.counted.add(`${id}/${index}`);
    const b = this.broadcasts.get(id)!;
    b.resolved.push(t);
    b.chunksDone++;
    b.counts.queued += t.queued;
    b.counts.delivered += t.delivered;
    this.advance(id);
    return true;
  }
  async progress(_p: string, id: string, change: Partial<BroadcastCounts>) {
    const b = this.broadcasts.get(id)!;
    for (const [k, n] of Object.entries(change)) b.counts[k as keyof BroadcastCounts] += n;
    this.advance(id);
  }
  private advance(id: string) {
    const b = this.broadcasts.get(id)!;
    if (b.status === 'done' || b.chunks === undefined || b.chunksDone < b.chunks) return;
    b.status = b.counts.queued <= 0 ? 'done' : 'sending';
  }
}

export type { PendingAnswer };
