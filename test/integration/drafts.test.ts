import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice, tokenFor } from './api-client.js';
import { BODY, messages, portal, portalScene, pt, st } from './conversation-helpers.js';
import { errorPaths, succeeded } from './fixtures.js';

const save = (token: string, body: unknown, headers?: Record<string, string>) =>
  call('POST', '/v1/drafts', { token, body, ...(headers ? { headers } : {}) });
const saved = (token: string, body: unknown): Promise<any> => succeeded('save draft', save(token, body), 201);
const send = (token: string, id: string, headers?: Record<string, string>) =>
  call('POST', `/v1/drafts/${id}/send`, { token, ...(headers ? { headers } : {}) });

describe('Drafts: save, list, read, change, discard', () => {
  it('a draft keeps any subset of the fields, is listed newest first, changes with PATCH (null removes) and is gone after DELETE', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();

    const first = await saved(receptionist.token, { subject: 'Lab results' });
    expect(first).toMatchObject({ subject: 'Lab results' });
    expect(first).not.toHaveProperty('body');
    expect(first.createdAt).toBe(first.updatedAt);
    const second = await saved(receptionist.token, { channel: 'portal', participants: [pt(patient)], body: 'Half a tho', bodyFormat: 'html' });
    expect(second).toMatchObject({ channel: 'portal', participants: [pt(patient)], body: 'Half a tho', bodyFormat: 'html' });

    const list = await succeeded('list', call('GET', '/v1/drafts', { token: receptionist.token }), 200);
    expect(list.items.map((d: { id: string }) => d.id)).toEqual([second.id, first.id]);

    const paged = await succeeded('page 1', call('GET', '/v1/drafts?limit=1', { token: receptionist.token }), 200);
    expect(paged.items.map((d: { id: string }) => d.id)).toEqual([second.id]);
    const page2 = await succeeded('page 2', call('GET', `/v1/drafts?limit=1&cursor=${paged.nextCursor}`, { token: receptionist.token }), 200);
    expect(page2.items.map((d: { id: string }) => d.id)).toEqual([first.id]);

    const changed = await succeeded(
      'patch',
      call('PATCH', `/v1/drafts/${second.id}`, { token: receptionist.token, body: { body: BODY, bodyFormat: null, subject: 'Now with a subject' } }),
      200,
    );
    expect(changed).toMatchObject({ id: second.id, body: BODY, subject: 'Now with a subject', channel: 'portal' });
    expect(changed).not.toHaveProperty('bodyFormat');
    expect(await succeeded('get', call('GET', `/v1/drafts/${second.id}`, { token: receptionist.token }), 200)).toEqual(changed);

    expect((await call('DELETE', `/v1/drafts/${first.id}`, { token: receptionist.token })).status).toBe(204);
    expectProblem(await call('GET', `/v1/drafts/${first.id}`, { token: receptionist.token }), 404, 'not_found');
    expectProblem(await call('DELETE', `/v1/drafts/${first.id}`, { token: receptionist.token }), 404, 'not_found');
  });

  it('shapes are checked on save: unknown fields, a wrong channel or participant, an over-long body are 400', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const res = await save(receptionist.token, { channel: 'fax', participants: [{ type: 'alien', id: 'x' }], body: 'x'.repeat(50_001), colour: 'red' });
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res)).toEqual(expect.arrayContaining(['channel', 'body']));
    expect(errorPaths(res).some((path) => path.startsWith('participants'))).toBe(true);
    expectProblem(await call('PATCH', `/v1/drafts/${ulid()}`, { token: receptionist.token, body: { channel: 'fax' } }), 400, 'validation_failed');
  });

  it("someone else's draft is 404 for every route, in the practice and outside it, and is not in their list", async () => {
    const p = await newPractice();
    const author = await p.staff('receptionist');
    const colleague = await p.staff('receptionist');
    const patient = await p.patient();
    const draft = await saved(author.token, { channel: 'portal', subject: 'Private', participants: [pt(patient)], body: BODY });
    const outsider = await tokenFor(`practice-${ulid().toLowerCase()}`, 'admin-root', 'admin');

    for (const token of [colleague.token, p.admin.token, patient.token, outsider]) {
      expectProblem(await call('GET', `/v1/drafts/${draft.id}`, { token }), 404, 'not_found');
      expectProblem(await call('PATCH', `/v1/drafts/${draft.id}`, { token, body: { body: 'Taken over' } }), 404, 'not_found');
      expectProblem(await send(token, draft.id), 404, 'not_found');
      expectProblem(await call('DELETE', `/v1/drafts/${draft.id}`, { token }), 404, 'not_found');
      const list = await succeeded('list', call('GET', '/v1/drafts', { token }), 200);
      expect(list.items).toEqual([]);
    }
    expect(await succeeded('still there', call('GET', `/v1/drafts/${draft.id}`, { token: author.token }), 200)).toMatchObject({ body: BODY });
  });
});

describe('Drafts: sending', () => {
  it('a draft without conversationId starts a conversation, is deleted, and sending it again is 404', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const draft = await saved(receptionist.token, portal([pt(patient)]));

    const sent = await succeeded('send', send(receptionist.token, draft.id), 201);
    expect(sent.conversation).toMatchObject({ channel: 'portal', subject: 'Checking in' });
    expect(sent.message).toMatchObject({ body: BODY, author: { type: 'staff', id: receptionist.id } });
    const inbox = await succeeded('patient inbox', call('GET', '/v1/conversations', { token: patient.token }), 200);
    expect(inbox.items.map((c: { id: string }) => c.id)).toEqual([sent.conversation.id]);

    expectProblem(await call('GET', `/v1/drafts/${draft.id}`, { token: receptionist.token }), 404, 'not_found');
    expectProblem(await send(receptionist.token, draft.id), 404, 'not_found');
    expect(await messages(receptionist.token, sent.conversation.id)).toHaveLength(1);
  });

  it('a draft with conversationId is sent as a reply, by a patient too', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    const draft = await saved(patient.token, { conversationId: conversation.id, body: 'Thank you, see you on Monday.' });
    const sent = await succeeded('send', send(patient.token, draft.id), 201);
    expect(sent).toMatchObject({ conversationId: conversation.id, body: 'Thank you, see you on Monday.', author: { type: 'patient', id: patient.id } });
    const thread = await messages(receptionist.token, conversation.id);
    expect(thread.map((m) => m.id)).toContain(sent.id);
    expectProblem(await call('GET', `/v1/drafts/${draft.id}`, { token: patient.token }), 404, 'not_found');
  });

  it("a draft to a patient whose chat was disabled after it was saved is refused at send (422 chat_disabled) and kept", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const draft = await saved(receptionist.token, portal([pt(patient)]));
    await succeeded(
      'disable chat',
      call('PATCH', `/v1/patients/${patient.id}`, { token: p.admin.token, body: { chat: { directMessaging: false, communityChat: true } } }),
      200,
    );
    expectProblem(await send(receptionist.token, draft.id), 422, 'chat_disabled');
    expect(await succeeded('kept', call('GET', `/v1/drafts/${draft.id}`, { token: receptionist.token }), 200)).toMatchObject({ id: draft.id, body: BODY });
    const inbox = await succeeded('patient inbox', call('GET', '/v1/conversations', { token: patient.token }), 200);
    expect(inbox.items).toEqual([]);
  });

  it('the start rules apply at send time: a patient may not draft their way to another patient (403 conversation_rule)', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    const other = await p.patient();
    const draft = await saved(patient.token, portal([pt(other)]));
    expectProblem(await send(patient.token, draft.id), 403, 'conversation_rule');
    expect((await call('GET', `/v1/drafts/${draft.id}`, { token: patient.token })).status).toBe(200);
  });

  it("the reply rules apply at send time: a reply draft to a conversation the caller is not in is refused", async () => {
    const { conversation, p } = await portalScene();
    const outsider = await p.staff('biller');
    const draft = await saved(outsider.token, { conversationId: conversation.id, body: BODY });
    const res = await send(outsider.token, draft.id);
    expect(res.status).toBe(403);
    expect((await call('GET', `/v1/drafts/${draft.id}`, { token: outsider.token })).status).toBe(200);
  });

  it('an incomplete draft is 400 naming what is missing, and is kept', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const draft = await saved(receptionist.token, { subject: 'Only a subject' });
    const res = await send(receptionist.token, draft.id);
    expectProblem(res, 400, 'validation_failed');
    expect(errorPaths(res).sort()).toEqual(['body', 'channel', 'participants']);
    const short = await saved(receptionist.token, portal([st(await p.staff('biller'))], { body: 'Too short' }));
    expectProblem(await send(receptionist.token, short.id), 400, 'validation_failed');
    expect((await call('GET', `/v1/drafts/${short.id}`, { token: receptionist.token })).status).toBe(200);
  });

  it('the same Idempotency-Key sends once and answers the same both times', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const draft = await saved(receptionist.token, portal([pt(patient)]));
    const key = { 'idempotency-key': ulid() };
    const first = await succeeded('first', send(receptionist.token, draft.id, key), 201);
    const again = await succeeded('again', send(receptionist.token, draft.id, key), 201);
    expect(again).toEqual(first);
    const inbox = await succeeded('inbox', call('GET', '/v1/conversations', { token: patient.token }), 200);
    expect(inbox.items).toHaveLength(1);
  });
});
