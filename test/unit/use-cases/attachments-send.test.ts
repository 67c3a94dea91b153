/** Start and reply with files, on in-memory ports: the real catalog over the fake attachment records. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../lambdas/domain/caller.js';
import { MAX_ATTACHMENT_BYTES } from '../../../lambdas/domain/attachment-rules.js';
import { attachmentCatalog, type AttachmentRecord } from '../../../lambdas/use-cases/attachments/index.js';
import { reply, startConversation } from '../../../lambdas/use-cases/conversations/index.js';
import { caller } from '../helpers.js';
import { T0, conversationFakes, refusal, type Fakes } from './fakes.js';
import { InMemoryAttachments } from './attachments-fakes.js';

const BODY = 'Your results and the referral are attached.';
let f: Fakes;
let records: InMemoryAttachments;
const me = caller('receptionist');

async function file(owner: Caller, id: string, over: Partial<AttachmentRecord> = {}) {
  await records.create(owner.practiceId, {
    id,
    owner: { type: owner.kind, id: owner.id },
    fileName: `${id}.pdf`,
    contentType: 'application/pdf',
    declaredSize: 1000,
    size: 1000,
    status: 'ready',
    key: `files/${owner.practiceId}/${id}`,
    createdAt: T0,
    uploadExpiresAt: T0,
    attachedTo: [],
    ...over,
  });
}

beforeEach(() => {
  f = conversationFakes();
  records = new InMemoryAttachments();
  f.deps.attachments = attachmentCatalog(records);
  f.directory.addPatient('pat');
  f.directory.addStaff('receptionist', 'receptionist-me');
});

describe('Sending with files (use case on in-memory ports)', () => {
  it("a start stores each file's name, type, size and key on the message, and marks the files with the message before the write", async () => {
    await file(me, 'a1');
    await file(me, 'a2', { contentType: 'image/png', fileName: 'x.png', size: 20 });
    const out = await startConversation(f.deps, me, { channel: 'email', subject: 'Results', body: BODY, participants: [{ type: 'patient', id: 'pat' }], attachmentIds: ['a1', 'a2', 'a1'] });
    const plan = f.conversations.sent[0]!;
    expect(plan.message.attachments).toEqual([
      { id: 'a1', fileName: 'a1.pdf', contentType: 'application/pdf', size: 1000, key: 'files/p/a1' },
      { id: 'a2', fileName: 'x.png', contentType: 'image/png', size: 20, key: 'files/p/a2' },
    ]);
    // The answer never shows the key.
    expect(out.message.attachments).toEqual([
      { id: 'a1', fileName: 'a1.pdf', contentType: 'application/pdf', size: 1000 },
      { id: 'a2', fileName: 'x.png', contentType: 'image/png', size: 20 },
    ]);
    expect(records.records.get('a1')!.attachedTo).toEqual([`${plan.conversation.id}#${plan.message.id}`]);
  });

  it("another's file, a pending or rejected one is 400 attachment_not_ready with its path; nothing is written or marked", async () => {
    await file(caller('patient', { id: 'pat' }), 'theirs');
    await file(me, 'pending', { status: 'pending' });
    await file(me, 'ok');
    const e = await refusal(
      startConversation(f.deps, me, { channel: 'portal', subject: 'Results', body: BODY, participants: [{ type: 'patient', id: 'pat' }], attachmentIds: ['ok', 'theirs', 'pending'] }),
    );
    expect(e.kind).toBe('attachment_not_ready');
    expect(e.errors?.map((x) => x.path)).toEqual(['attachmentIds.1', 'attachmentIds.2']);
    expect(f.conversations.sent).toHaveLength(0);
    expect(records.records.get('ok')!.attachedTo).toEqual([]);
  });

  it('email past what SES carries is 422 attachments_too_large_for_channel before anything is written; the portal takes the same files', async () => {
    for (const id of ['b1', 'b2', 'b3']) await file(me, id, { size: MAX_ATTACHMENT_BYTES });
    const input = { subject: 'Scans', body: BODY, participants: [{ type: 'patient' as const, id: 'pat' }], attachmentIds: ['b1', 'b2', 'b3'] };
    expect((await refusal(startConversation(f.deps, me, { ...input, channel: 'email' }))).kind).toBe('attachments_too_large_for_channel');
    expect(f.conversations.sent).toHaveLength(0);
    expect(records.records.get('b1')!.attachedTo).toEqual([]);
    await startConversation(f.deps, me, { ...input, channel: 'portal' });
    expect(f.conversations.sent).toHaveLength(1);
  });

  it('a patient replies with their own file', async () => {
    const patient = caller('patient', { id: 'pat' });
    const { conversation } = await startConversation(f.deps, me, { channel: 'portal', subject: 'Results', body: BODY, participants: [{ type: 'patient', id: 'pat' }] });
    await file(patient, 'mine');
    f.setNow(new Date(Date.parse(T0) + 60_000).toISOString());
    const answer = await reply(f.deps, patient, conversation.id, { body: 'Here is my referral letter.', attachmentIds: ['mine'] });
    expect(answer.attachments).toEqual([{ id: 'mine', fileName: 'mine.pdf', contentType: 'application/pdf', size: 1000 }]);
    expect(records.records.get('mine')!.attachedTo).toEqual([`${conversation.id}#${answer.id}`]);
  });
});
