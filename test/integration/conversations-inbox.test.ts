import { describe, expect, it } from 'vitest';
import { type ApiResponse, call, expectProblem, newPractice } from './api-client.js';
import { BODY, inboxIds, portal, portalScene, pt, replied, st, started } from './conversation-helpers.js';
import { succeeded } from './fixtures.js';

async function statusOf(token: string, conversationId: string): Promise<string> {
  return (await succeeded('get', call('GET', `/v1/conversations/${conversationId}`, { token }), 200)).status;
}

async function markRead(token: string, conversationId: string) {
  const res = await call('POST', `/v1/conversations/${conversationId}/read`, { token });
  if (res.status >= 300) throw new Error(`read: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

function patch(token: string, conversationId: string, body: Record<string, unknown>): Promise<ApiResponse> {
  return call('PATCH', `/v1/conversations/${conversationId}`, { token, body });
}

async function inbox(token: string, query = ''): Promise<ApiResponse> {
  return call('GET', `/v1/conversations${query ? `?${query}` : ''}`, { token });
}

describe('Per-participant state', () => {
  it('a new conversation is unread for the recipient, read after POST /read, replied after their own reply, and unread again for the other side', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    const id = conversation.id;

    expect(await statusOf(patient.token, id)).toBe('unread');
    await markRead(patient.token, id);
    expect(await statusOf(patient.token, id)).toBe('read');

    await replied(patient.token, id);
    expect(await statusOf(patient.token, id)).toBe('replied');
    expect(await statusOf(receptionist.token, id)).toBe('unread');

    await markRead(receptionist.token, id);
    expect(await statusOf(receptionist.token, id)).toBe('read');
    expect(await statusOf(patient.token, id)).toBe('replied');

    await replied(receptionist.token, id);
    expect(await statusOf(receptionist.token, id)).toBe('replied');
    expect(await statusOf(patient.token, id)).toBe('unread');
  });

  it("one participant's read does not change another's status", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const biller = await p.staff('biller');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient), st(biller)]));
    await markRead(biller.token, conversation.id);
    expect(await statusOf(biller.token, conversation.id)).toBe('read');
    expect(await statusOf(patient.token, conversation.id)).toBe('unread');
  });

  it('starring is per caller', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    const starred = await patch(receptionist.token, conversation.id, { starred: true });
    expect(starred.status).toBe(200);
    expect((await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token })).body.starred).toBe(true);
    expect((await call('GET', `/v1/conversations/${conversation.id}`, { token: patient.token })).body.starred).toBe(false);
    expect(await inboxIds(receptionist.token, 'starred=true')).toEqual([conversation.id]);
    expect(await inboxIds(patient.token, 'starred=true')).toEqual([]);

    await patch(receptionist.token, conversation.id, { starred: false });
    expect((await call('GET', `/v1/conversations/${conversation.id}`, { token: receptionist.token })).body.starred).toBe(false);
    expect(await inboxIds(receptionist.token, 'starred=true')).toEqual([]);
  });

  it('archiving hides a conversation from the default inbox for the caller only; un-archiving brings it back as read', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    const id = conversation.id;

    const archived = await patch(receptionist.token, id, { archived: true });
    expect(archived.status).toBe(200);
    expect(await statusOf(receptionist.token, id)).toBe('archived');
    expect(await inboxIds(receptionist.token)).toEqual([]);
    expect(await inboxIds(receptionist.token, 'status=archived')).toEqual([id]);
    // Other filters do not reveal archived conversations either.
    expect(await inboxIds(receptionist.token, `patientId=${patient.id}`)).toEqual([]);
    expect(await inboxIds(receptionist.token, 'channel=portal')).toEqual([]);
    // The patient's inbox is untouched.
    expect(await inboxIds(patient.token)).toEqual([id]);
    expect(await statusOf(patient.token, id)).toBe('unread');

    expect((await patch(receptionist.token, id, { archived: false })).status).toBe(200);
    expect(await statusOf(receptionist.token, id)).toBe('read');
    expect(await inboxIds(receptionist.token)).toEqual([id]);
    expect(await inboxIds(receptionist.token, 'status=archived')).toEqual([]);
  });

  it('a new message from the patient brings an archived conversation back as unread', async () => {
    const { receptionist, patient, conversation } = await portalScene();
    await patch(receptionist.token, conversation.id, { archived: true, starred: true });
    expect(await inboxIds(receptionist.token)).toEqual([]);

    await replied(patient.token, conversation.id, 'Are you still there?');
    expect(await statusOf(receptionist.token, conversation.id)).toBe('unread');
    expect(await inboxIds(receptionist.token)).toEqual([conversation.id]);
    expect(await inboxIds(receptionist.token, 'status=unread')).toEqual([conversation.id]);
    expect(await inboxIds(receptionist.token, 'status=archived')).toEqual([]);
  });

  it('refuses an unknown field or a non-boolean in PATCH, and a non-participant cannot change state', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const outsider = await p.staff('biller');
    const patient = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(patient)]));
    expectProblem(await patch(receptionist.token, conversation.id, { starred: 'yes' }), 400, 'validation_failed');
    expectProblem(await patch(receptionist.token, conversation.id, { subject: 'New' }), 400, 'validation_failed');
    expectProblem(await patch(outsider.token, conversation.id, { starred: true }), 403, 'not_a_participant');
    expectProblem(await call('POST', `/v1/conversations/${conversation.id}/read`, { token: outsider.token }), 403, 'not_a_participant');
  });
});

describe('Inbox: filters', () => {
  // One practice, one cast, several conversations; each test reads it from a viewpoint.
  async function world() {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages'], { name: 'Rhea Frontdesk' });
    const provider = await p.staff('provider', ['send_messages'], { name: 'Doctor Wexley' });
    const alice = await p.patient({ name: 'Alice Quintero', email: 'alice@example.com', phone: '+12025550130' });
    const bruno = await p.patient({ name: 'Bruno Lindqvist', phone: '+12025550131' });

    const aPortal = (await started(receptionist.token, portal([pt(alice)], { subject: 'Billing question' }))).conversation.id;
    const bSms = (await started(receptionist.token, { channel: 'sms', participants: [pt(bruno)], body: 'Your appointment is Monday' })).conversation.id;
    const aEmail = (await started(receptionist.token, { channel: 'email', subject: 'Appointment reminder', participants: [pt(alice)], body: BODY }))
      .conversation.id;
    const staffOnly = (await started(receptionist.token, portal([st(provider)], { subject: 'Lunch rota' }))).conversation.id;
    const bInbound = (await started(bruno.token, portal([st(receptionist)], { subject: 'Prescription refill' }))).conversation.id;
    return { p, receptionist, provider, alice, bruno, aPortal, bSms, aEmail, staffOnly, bInbound };
  }

  it('lists only the caller’s own conversations, newest activity first', async () => {
    const w = await world();
    expect(await inboxIds(w.receptionist.token)).toEqual([w.bInbound, w.staffOnly, w.aEmail, w.bSms, w.aPortal]);
    expect(await inboxIds(w.alice.token)).toEqual([w.aEmail, w.aPortal]);
    expect(await inboxIds(w.bruno.token)).toEqual([w.bInbound, w.bSms]);
    expect(await inboxIds(w.provider.token)).toEqual([w.staffOnly]);
    const outsider = await w.p.staff('biller');
    expect(await inboxIds(outsider.token)).toEqual([]);
    const res = await inbox(w.receptionist.token);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items[0]).toMatchObject({ id: w.bInbound, channel: 'portal', subject: 'Prescription refill', status: 'unread', starred: false });
  });

  it('filters by patientId', async () => {
    const w = await world();
    expect(await inboxIds(w.receptionist.token, `patientId=${w.alice.id}`)).toEqual([w.aEmail, w.aPortal]);
    expect(await inboxIds(w.receptionist.token, `patientId=${w.bruno.id}`)).toEqual([w.bInbound, w.bSms]);
    const stranger = await w.p.patient();
    expect(await inboxIds(w.receptionist.token, `patientId=${stranger.id}`)).toEqual([]);
  });

  it('patientId finds a conversation with two patients under either of them', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const a = await p.patient();
    const b = await p.patient();
    const c = await p.patient();
    const { conversation } = await started(receptionist.token, portal([pt(a), pt(b)]));
    expect(await inboxIds(receptionist.token, `patientId=${a.id}`)).toEqual([conversation.id]);
    expect(await inboxIds(receptionist.token, `patientId=${b.id}`)).toEqual([conversation.id]);
    expect(await inboxIds(receptionist.token, `patientId=${c.id}`)).toEqual([]);
  });

  it('filters by channel', async () => {
    const w = await world();
    expect(await inboxIds(w.receptionist.token, 'channel=sms')).toEqual([w.bSms]);
    expect(await inboxIds(w.receptionist.token, 'channel=email')).toEqual([w.aEmail]);
    expect(await inboxIds(w.receptionist.token, 'channel=whatsapp')).toEqual([]);
    expect(await inboxIds(w.receptionist.token, 'channel=portal')).toEqual([w.bInbound, w.staffOnly, w.aPortal]);
  });

  it('filters by the direction of the latest message', async () => {
    const w = await world();
    expect(await inboxIds(w.receptionist.token, 'direction=inbound')).toEqual([w.bInbound]);
    const outbound = await inboxIds(w.receptionist.token, 'direction=outbound');
    expect(outbound).toEqual(expect.arrayContaining([w.aEmail, w.bSms, w.aPortal]));
    expect(outbound).not.toContain(w.bInbound);

    // The receptionist answers Bruno: now outbound. Alice writes back on her portal thread: now inbound.
    await replied(w.receptionist.token, w.bInbound);
    await replied(w.alice.token, w.aPortal, 'I have a question about that bill');
    expect(await inboxIds(w.receptionist.token, 'direction=inbound')).toEqual([w.aPortal]);
    const after = await inboxIds(w.receptionist.token, 'direction=outbound');
    expect(after).toEqual(expect.arrayContaining([w.bInbound, w.aEmail, w.bSms]));
    expect(after).not.toContain(w.aPortal);
  });

  it('filters by the caller’s status', async () => {
    const w = await world();
    expect(await inboxIds(w.alice.token, 'status=unread')).toEqual([w.aEmail, w.aPortal]);
    await markRead(w.alice.token, w.aPortal);
    expect(await inboxIds(w.alice.token, 'status=unread')).toEqual([w.aEmail]);
    expect(await inboxIds(w.alice.token, 'status=read')).toEqual([w.aPortal]);
    await replied(w.alice.token, w.aEmail, 'Monday works for me, thanks');
    expect(await inboxIds(w.alice.token, 'status=unread')).toEqual([]);
    expect(await inboxIds(w.alice.token, 'status=replied')).toEqual([w.aEmail]);
    expect(await inboxIds(w.alice.token, 'status=read')).toEqual([w.aPortal]);
    // For the receptionist Alice's reply is unread.
    expect(await inboxIds(w.receptionist.token, 'status=unread')).toEqual([w.aEmail, w.bInbound]);
  });

  it('filters starred=true', async () => {
    const w = await world();
    await patch(w.receptionist.token, w.bSms, { starred: true });
    await patch(w.receptionist.token, w.staffOnly, { starred: true });
    expect(await inboxIds(w.receptionist.token, 'starred=true')).toEqual([w.staffOnly, w.bSms]);
    expect(await inboxIds(w.provider.token, 'starred=true')).toEqual([]);
  });

  it('q finds conversations by subject and by participant name', async () => {
    const w = await world();
    expect(await inboxIds(w.receptionist.token, 'q=billing')).toEqual([w.aPortal]);
    expect(await inboxIds(w.receptionist.token, 'q=appointment')).toEqual([w.aEmail]);
    expect(await inboxIds(w.receptionist.token, 'q=quintero')).toEqual([w.aEmail, w.aPortal]);
    expect(await inboxIds(w.receptionist.token, 'q=lindqvist')).toEqual([w.bInbound, w.bSms]);
    expect(await inboxIds(w.receptionist.token, 'q=wexley')).toEqual([w.staffOnly]);
    expect(await inboxIds(w.receptionist.token, 'q=zzzznothing')).toEqual([]);
    // The patient searching finds only their own.
    expect(await inboxIds(w.alice.token, 'q=lindqvist')).toEqual([]);
  });

  it('combines filters', async () => {
    const w = await world();
    expect(await inboxIds(w.receptionist.token, `patientId=${w.alice.id}&channel=email`)).toEqual([w.aEmail]);
    expect(await inboxIds(w.receptionist.token, `patientId=${w.bruno.id}&direction=inbound`)).toEqual([w.bInbound]);
    expect(await inboxIds(w.receptionist.token, `patientId=${w.bruno.id}&status=unread`)).toEqual([w.bInbound]);
  });

  it('refuses unknown filter values and unknown parameters', async () => {
    const p = await newPractice();
    for (const q of ['status=deleted', 'channel=fax', 'direction=sideways', 'starred=maybe', 'colour=red', 'limit=0', 'limit=101', 'cursor=garbage']) {
      expectProblem(await inbox(p.admin.token, q), 400, 'validation_failed');
    }
  });
});

describe('Inbox: order and pagination', () => {
  it('a new message moves a conversation to the top', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await started(receptionist.token, portal([pt(patient)], { subject: `Topic ${i}` }))).conversation.id);
    expect(await inboxIds(patient.token)).toEqual([made[2], made[1], made[0]]);
    await replied(patient.token, made[0]!);
    expect(await inboxIds(patient.token)).toEqual([made[0], made[2], made[1]]);
    expect(await inboxIds(receptionist.token)).toEqual([made[0], made[2], made[1]]);
  });

  it('pages with a cursor, newest activity first, each conversation once', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await started(receptionist.token, portal([pt(patient)], { subject: `Page ${i}` }))).conversation.id);
    await replied(receptionist.token, made[1]!);
    const expected = [made[1], made[4], made[3], made[2], made[0]];

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await inbox(patient.token, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4)]);
  });

  it('pages through a filtered inbox as well', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const a = await p.patient({ phone: '+12025550132' });
    const b = await p.patient({ phone: '+12025550133' });
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) {
      mine.push((await started(receptionist.token, { channel: 'sms', participants: [pt(a)], body: `a${i}` })).conversation.id);
      await started(receptionist.token, { channel: 'sms', participants: [pt(b)], body: `b${i}` });
    }
    const first = await inbox(receptionist.token, `patientId=${a.id}&limit=2`);
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([mine[2], mine[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await inbox(receptionist.token, `patientId=${a.id}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([mine[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('defaults to 25 per page', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient();
    for (let i = 0; i < 26; i++) await started(receptionist.token, portal([pt(patient)], { subject: `Many ${i}` }));
    const res = await inbox(patient.token);
    expect(res.body.items).toHaveLength(25);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    const rest = await inbox(patient.token, `cursor=${res.body.nextCursor}`);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
  });
});
