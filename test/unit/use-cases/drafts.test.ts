import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../lambdas/domain/caller.js';
import type { PartyRef } from '../../../lambdas/use-cases/conversations/index.js';
import {
  createDraft,
  deleteDraft,
  getDraft,
  listDrafts,
  sendDraft,
  updateDraft,
  type DraftDeps,
  type DraftPatch,
  type DraftRecord,
  type DraftRepository,
} from '../../../lambdas/use-cases/drafts/index.js';
import { caller } from '../helpers.js';
import { chatOff, conversationFakes, type Fakes, refusal } from './fakes.js';

const BODY = 'Your lab results are ready to view.';

/** Drafts by author, as the DynamoDB adapter keys them: another author's id finds nothing. */
class InMemoryDrafts implements DraftRepository {
  readonly byKey = new Map<string, DraftRecord>();
  private key = (author: PartyRef, id: string) => `${author.type}:${author.id}|${id}`;
  async create(_p: string, d: DraftRecord) {
    this.byKey.set(this.key(d.author, d.id), d);
  }
  async get(_p: string, author: PartyRef, id: string) {
    return this.byKey.get(this.key(author, id)) ?? null;
  }
  async list(_p: string, author: PartyRef) {
    const mine = [...this.byKey.values()].filter((d) => d.author.type === author.type && d.author.id === author.id);
    return { items: mine.sort((a, b) => (a.id < b.id ? 1 : -1)), nextCursor: null };
  }
  async update(_p: string, author: PartyRef, id: string, patch: DraftPatch, updatedAt: string) {
    const before = this.byKey.get(this.key(author, id));
    if (!before) return null;
    const after: Record<string, unknown> = { ...before, updatedAt };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete after[k];
      else if (v !== undefined) after[k] = v;
    }
    this.byKey.set(this.key(author, id), after as unknown as DraftRecord);
    return after as unknown as DraftRecord;
  }
  async delete(_p: string, author: PartyRef, id: string) {
    return this.byKey.delete(this.key(author, id));
  }
}

let f: Fakes;
let drafts: InMemoryDrafts;
let deps: DraftDeps;
const receptionist: Caller = caller('receptionist');
const colleague: Caller = caller('receptionist', { id: 'receptionist-2' });
const patientCaller: Caller = caller('patient', { id: 'pat' });

beforeEach(() => {
  f = conversationFakes();
  f.directory.addPatient('pat');
  f.directory.addPatient('pat-2');
  f.directory.addStaff('receptionist', 'receptionist-me');
  f.directory.addStaff('receptionist', 'receptionist-2');
  drafts = new InMemoryDrafts();
  deps = { ...f.deps, drafts };
  // The send deletes its draft in its own write, as the send transaction does.
  f.conversations.consumeDraft = (ref) => drafts.byKey.delete(`${ref.author.type}:${ref.author.id}|${ref.id}`);
});

describe('Drafts (use cases on in-memory ports)', () => {
  it('saves any subset, and only its author reads, changes, lists or deletes it', async () => {
    const d = await createDraft(deps, receptionist, { subject: 'Results' });
    expect(d).toEqual({ id: d.id, subject: 'Results', createdAt: d.createdAt, updatedAt: d.updatedAt });
    expect(await getDraft(deps, receptionist, d.id)).toEqual(d);
    for (const other of [colleague, patientCaller]) {
      expect((await refusal(getDraft(deps, other, d.id))).kind).toBe('not_found');
      expect((await refusal(updateDraft(deps, other, d.id, { body: 'x' }))).kind).toBe('not_found');
      expect((await refusal(deleteDraft(deps, other, d.id))).kind).toBe('not_found');
      expect((await refusal(sendDraft(deps, other, d.id))).kind).toBe('not_found');
      expect((await listDrafts(deps, other, { limit: 25 })).items).toEqual([]);
    }
    const changed = await updateDraft(deps, receptionist, d.id, { subject: null, body: BODY });
    expect(changed).not.toHaveProperty('subject');
    expect(changed.body).toBe(BODY);
  });

  it('sends as a new conversation through the start rules, then deletes the draft', async () => {
    const d = await createDraft(deps, receptionist, { channel: 'portal', subject: 'Results', participants: [{ type: 'patient', id: 'pat' }], body: BODY });
    const out = (await sendDraft(deps, receptionist, d.id)) as { conversation: { id: string } };
    expect(f.conversations.sent).toHaveLength(1);
    expect(f.conversations.sent[0]!.conversation.id).toBe(out.conversation.id);
    expect(drafts.byKey.size).toBe(0);
    expect((await refusal(sendDraft(deps, receptionist, d.id))).kind).toBe('not_found');
    expect(f.conversations.sent).toHaveLength(1);
  });

  it('is sent at most once: the draft is deleted in the send’s own write, so a second send racing the first finds it gone (404) and writes nothing', async () => {
    const d = await createDraft(deps, receptionist, { channel: 'portal', subject: 'Results', participants: [{ type: 'patient', id: 'pat' }], body: BODY });
    const both = await Promise.allSettled([sendDraft(deps, receptionist, d.id), sendDraft(deps, receptionist, d.id)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect((refused?.reason as { kind?: string }).kind, String(refused?.reason?.stack ?? refused?.reason)).toBe('not_found');
    expect(f.conversations.sent).toHaveLength(1);
    expect(f.conversations.sent[0]!.fromDraft).toEqual({ author: { type: 'staff', id: receptionist.id }, id: d.id });
  });

  it('sends as a reply when it names a conversation', async () => {
    const started = (await sendDraft(deps, receptionist, (await createDraft(deps, receptionist, {
      channel: 'portal', subject: 'Results', participants: [{ type: 'patient', id: 'pat' }], body: BODY,
    })).id)) as { conversation: { id: string } };
    f.setNow('2026-11-30T10:05:00.000Z');
    const d = await createDraft(deps, patientCaller, { conversationId: started.conversation.id, body: 'Thank you, see you Monday.' });
    const reply = (await sendDraft(deps, patientCaller, d.id)) as { conversationId: string; author: PartyRef };
    expect(reply).toMatchObject({ conversationId: started.conversation.id, author: { type: 'patient', id: 'pat' } });
    expect(f.conversations.sent).toHaveLength(2);
    expect(drafts.byKey.size).toBe(0);
  });

  it('is refused at send when the recipient’s chat was turned off after saving, and kept', async () => {
    const d = await createDraft(deps, receptionist, { channel: 'portal', subject: 'Results', participants: [{ type: 'patient', id: 'pat' }], body: BODY });
    f.directory.addPatient('pat', { chat: chatOff({ directMessaging: false }) });
    const e = await refusal(sendDraft(deps, receptionist, d.id));
    expect(e.kind).toBe('recipient_chat_disabled');
    expect(f.conversations.sent).toHaveLength(0);
    expect(drafts.byKey.size).toBe(1);
  });

  it('a patient’s draft to another patient breaks the start rules at send', async () => {
    const d = await createDraft(deps, patientCaller, { channel: 'portal', subject: 'Hi', participants: [{ type: 'patient', id: 'pat-2' }], body: BODY });
    expect((await refusal(sendDraft(deps, patientCaller, d.id))).kind).toBe('conversation_rule');
    expect(drafts.byKey.size).toBe(1);
  });

  it('an incomplete draft is validation_failed naming each missing field', async () => {
    const d = await createDraft(deps, receptionist, { subject: 'Only this' });
    const e = await refusal(sendDraft(deps, receptionist, d.id));
    expect(e.kind).toBe('validation_failed');
    expect(e.errors?.map((x) => x.path)).toEqual(['channel', 'participants', 'body']);
    const reply = await createDraft(deps, receptionist, { conversationId: 'conv-1' });
    expect((await refusal(sendDraft(deps, receptionist, reply.id))).errors?.map((x) => x.path)).toEqual(['body']);
  });
});
