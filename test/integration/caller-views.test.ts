/**
 * Views shaped by who asks (API.md Conventions): in a community conversation a patient sees
 * only their own deliveries (no other recipient's address or status) and never warnings;
 * staff see every delivery and the warnings.
 */
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { call, newPractice } from './api-client.js';
import { messages, portal, pt, reply, started } from './conversation-helpers.js';
import { blocked, succeeded } from './fixtures.js';

const email = (who: string) => `${who}.${ulid().slice(-8).toLowerCase()}@example.com`;
const community = { directMessaging: true, communityChat: true };

describe('Views shaped by the caller: a community conversation read by a patient', () => {
  it('each patient sees only their own deliveries and no warnings; staff see all of them and the warnings', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const [ann, ben, cat] = await Promise.all(
      ['ann', 'ben', 'cat'].map((who) => p.patient({ email: email(who), chat: community })),
    );
    await blocked(p.admin.token, { type: 'email', value: cat!.body.email! });

    const first = await started(receptionist.token, portal([pt(ann!), pt(ben!), pt(cat!)], { kind: 'community' }));
    // Staff: every recipient's portal delivery and notification, and the warning about cat's blocked address.
    expect(new Set(first.message.deliveries.map((d: any) => d.recipient.id))).toEqual(new Set([ann!.id, ben!.id, cat!.id]));
    expect((first as any).warnings).toEqual([expect.objectContaining({ code: 'recipient_blocked', recipient: pt(cat!) })]);
    const conversationId = first.conversation.id;

    // A patient's reply: the answer carries none of the others' deliveries and no warning about cat.
    const answer = await succeeded('reply', reply(ann!.token, conversationId, 'Thanks all'), 201);
    expect(answer.deliveries).toEqual([]);
    expect(answer.warnings).toBeUndefined();
    expect(JSON.stringify(answer)).not.toContain(ben!.body.email);
    expect(JSON.stringify(answer)).not.toContain(cat!.body.email);

    // The list, read by ben: only ben's own deliveries, on every message.
    for (const m of await messages(ben!.token, conversationId)) {
      expect(m.deliveries.length).toBeGreaterThan(0);
      for (const d of m.deliveries) expect(d.recipient).toEqual(pt(ben!));
    }
    const benView = JSON.stringify(await messages(ben!.token, conversationId));
    // (Authors stay visible: ann's id is on ann's reply; only deliveries are shaped.)
    for (const other of [ann!, cat!]) expect(benView).not.toContain(other.body.email);
    // Staff reading the same list see every recipient of the first message, with addresses and states.
    const staffView = await messages(receptionist.token, conversationId);
    const firstAsStaff = staffView.find((m: any) => m.id === first.message.id);
    expect(firstAsStaff.deliveries).toContainEqual(expect.objectContaining({ recipient: pt(cat!), address: cat!.body.email, status: 'blocked' }));
    expect(firstAsStaff.deliveries).toContainEqual(expect.objectContaining({ recipient: pt(ben!), address: ben!.body.email }));
    // cat (whose own address is blocked) sees their own blocked delivery, never ben’s address.
    const catView = await call('GET', `/v1/conversations/${conversationId}/messages?limit=100`, { token: cat!.token });
    expect(JSON.stringify(catView.body)).not.toContain(ben!.body.email);
  });
});
