/**
 * hideExisting: a block's address's existing messages leave staff inboxes and the patient's
 * correspondence (in the background, off the table stream), admins still list them with
 * includeHidden=true, and turning it off or unblocking shows them again.
 */
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice, eventually } from './api-client.js';
import { BODY, inboxIds, pt, started } from './conversation-helpers.js';
import { blocked, succeeded } from './fixtures.js';

/** The id of a conversation that must start. */
const startedId = async (token: string, body: Record<string, unknown>): Promise<string> => (await started(token, body)).conversation.id;

/** Conversation ids in the caller's inbox (all statuses but archived). */
const inbox = (token: string, includeHidden = false): Promise<string[]> => inboxIds(token, includeHidden ? 'includeHidden=true' : '');

/** Conversation ids of the messages in the patient's correspondence. */
async function correspondence(token: string, patientId: string, includeHidden = false): Promise<string[]> {
  const body = await succeeded(
    'correspondence',
    call('GET', `/v1/patients/${patientId}/correspondence?limit=100${includeHidden ? '&includeHidden=true' : ''}`, { token }),
  );
  return body.items.map((m: { conversationId: string }) => m.conversationId);
}

/** A patient with an email and a phone (no WhatsApp number), and one conversation per channel with them. */
async function scene() {
  const p = await newPractice();
  const m = await p.staff('receptionist', ['manage_contacts']);
  const sender = await p.staff('receptionist');
  const patient = await p.patient({ name: 'Hidden Hal', email: 'hal@example.com', phone: '+12025550801' });
  const email = await startedId(sender.token, { channel: 'email', subject: 'Email one', participants: [pt(patient)], body: BODY });
  const sms = await startedId(sender.token, { channel: 'sms', participants: [pt(patient)], body: BODY });
  const whatsapp = await startedId(sender.token, { channel: 'whatsapp', participants: [pt(patient)], body: BODY });
  const portal = await startedId(sender.token, { channel: 'portal', subject: 'Portal one', participants: [pt(patient)], body: BODY });
  return { p, m, sender, patient, conv: { email, sms, whatsapp, portal } };
}

describe('Blocks: hideExisting hides existing messages', () => {
  it("a block with hideExisting on a patient's email takes their email conversations out of staff inboxes, and nothing else", async () => {
    const { m, sender, conv } = await scene();
    expect((await inbox(sender.token)).sort()).toEqual(Object.values(conv).sort());
    await blocked(m.token, { type: 'email', value: 'hal@example.com', hideExisting: true });
    const after = await eventually('the email conversation leaves the inbox', () => inbox(sender.token), (ids) => !ids.includes(conv.email));
    expect(after.sort()).toEqual([conv.sms, conv.whatsapp, conv.portal].sort());
  });

  it("the hidden messages leave the patient's correspondence; messages on other channels stay, with the reminder", async () => {
    const { m, sender, patient, conv } = await scene();
    const b = await blocked(m.token, { type: 'email', value: 'hal@example.com', hideExisting: true });
    const after = await eventually(
      'the email messages leave the correspondence',
      () => correspondence(sender.token, patient.id),
      (ids) => !ids.includes(conv.email),
    );
    expect([...new Set(after)].sort()).toEqual([conv.sms, conv.whatsapp, conv.portal].sort());
    const res = await call('GET', `/v1/patients/${patient.id}/correspondence`, { token: sender.token });
    expect(res.body.blockedContacts).toEqual([{ blockId: b.id, type: 'email', value: 'hal@example.com' }]);
  });

  it("a phone block with hideExisting hides the patient's SMS and WhatsApp (sent to that phone) conversations, not email or portal", async () => {
    const { m, sender, patient, conv } = await scene();
    await blocked(m.token, { type: 'phone', value: '(202) 555-0801', hideExisting: true });
    const after = await eventually(
      'the SMS and WhatsApp conversations leave the inbox',
      () => inbox(sender.token),
      (ids) => !ids.includes(conv.sms) && !ids.includes(conv.whatsapp),
    );
    expect(after.sort()).toEqual([conv.email, conv.portal].sort());
    const corr = await eventually(
      'the SMS and WhatsApp messages leave the correspondence',
      () => correspondence(sender.token, patient.id),
      (ids) => !ids.includes(conv.sms) && !ids.includes(conv.whatsapp),
    );
    expect([...new Set(corr)].sort()).toEqual([conv.email, conv.portal].sort());
  });

  it('switching hideExisting on for an existing block hides them', async () => {
    const { m, sender, conv } = await scene();
    const b = await blocked(m.token, { type: 'email', value: 'hal@example.com' });
    expect(await inbox(sender.token)).toContain(conv.email);
    await succeeded('patch', call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { hideExisting: true } }));
    await eventually('the email conversation leaves the inbox', () => inbox(sender.token), (ids) => !ids.includes(conv.email));
  });

  it('a block without hideExisting leaves existing messages where they are', async () => {
    const { p, m, sender, patient, conv } = await scene();
    // a second patient whose block does hide: once it has, the stream has had its chance at both
    const other = await p.patient({ email: 'other.hal@example.com' });
    const otherEmail = await startedId(sender.token, { channel: 'email', subject: 'Other', participants: [pt(other)], body: BODY });
    await blocked(m.token, { type: 'email', value: 'hal@example.com' });
    await blocked(m.token, { type: 'email', value: 'other.hal@example.com', hideExisting: true });
    await eventually('the other patient’s email conversation leaves the inbox', () => inbox(sender.token), (ids) => !ids.includes(otherEmail));
    expect(await inbox(sender.token)).toContain(conv.email);
    expect(await correspondence(sender.token, patient.id)).toContain(conv.email);
  });
});

describe('Blocks: hidden messages stay stored', () => {
  it('admins still list hidden conversations and messages with includeHidden=true', async () => {
    const { p, m, patient, conv } = await scene();
    const adminEmail = await startedId(p.admin.token, { channel: 'email', subject: 'From the admin', participants: [pt(patient)], body: BODY });
    await blocked(m.token, { type: 'email', value: 'hal@example.com', hideExisting: true });
    await eventually('the admin’s email conversation leaves the admin inbox', () => inbox(p.admin.token), (ids) => !ids.includes(adminEmail));
    expect(await inbox(p.admin.token, true)).toContain(adminEmail);

    await eventually('the email messages leave the correspondence', () => correspondence(p.admin.token, patient.id), (ids) => !ids.includes(conv.email));
    const all = await correspondence(p.admin.token, patient.id, true);
    expect(all).toContain(conv.email);
    expect(all).toContain(adminEmail);
    expect(all).toContain(conv.sms);
  });

  it('a staff member who is not an admin gets 403 forbidden for includeHidden, even with manage_contacts', async () => {
    const { m, sender, patient } = await scene();
    for (const token of [sender.token, m.token]) {
      expectProblem(await call('GET', '/v1/conversations?includeHidden=true', { token }), 403, 'forbidden');
      expectProblem(await call('GET', `/v1/patients/${patient.id}/correspondence?includeHidden=true`, { token }), 403, 'forbidden');
    }
  });
});

describe('Blocks: hidden messages come back', () => {
  it('turning hideExisting off shows them again in the inbox and the correspondence', async () => {
    const { m, sender, patient, conv } = await scene();
    const b = await blocked(m.token, { type: 'email', value: 'hal@example.com', hideExisting: true });
    await eventually('the email conversation leaves the inbox', () => inbox(sender.token), (ids) => !ids.includes(conv.email));
    await succeeded('patch', call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { hideExisting: false } }));
    await eventually('the email conversation comes back to the inbox', () => inbox(sender.token), (ids) => ids.includes(conv.email));
    await eventually('the email messages come back to the correspondence', () => correspondence(sender.token, patient.id), (ids) => ids.includes(conv.email));
    expect((await call('GET', `/v1/blocks/${b.id}`, { token: m.token })).body).toMatchObject({ hideExisting: false, status: 'active' });
  });

  it('unblocking shows them again', async () => {
    const { m, sender, patient, conv } = await scene();
    const b = await blocked(m.token, { type: 'phone', value: '+12025550801', hideExisting: true });
    await eventually('the SMS conversation leaves the inbox', () => inbox(sender.token), (ids) => !ids.includes(conv.sms));
    expect((await call('DELETE', `/v1/blocks/${b.id}`, { token: m.token })).status).toBe(204);
    await eventually('the SMS and WhatsApp conversations come back', () => inbox(sender.token), (ids) => ids.includes(conv.sms) && ids.includes(conv.whatsapp));
    await eventually('the SMS messages come back to the correspondence', () => correspondence(sender.token, patient.id), (ids) => ids.includes(conv.sms));
  });

  it('a message shown again keeps its place and content', async () => {
    const { m, sender, patient, conv } = await scene();
    const before = (await call('GET', `/v1/patients/${patient.id}/correspondence?limit=100`, { token: sender.token })).body.items;
    const b = await blocked(m.token, { type: 'email', value: 'hal@example.com', hideExisting: true });
    await eventually('the email messages leave the correspondence', () => correspondence(sender.token, patient.id), (ids) => !ids.includes(conv.email));
    await succeeded('patch', call('PATCH', `/v1/blocks/${b.id}`, { token: m.token, body: { hideExisting: false } }));
    await eventually('the email messages come back', () => correspondence(sender.token, patient.id), (ids) => ids.includes(conv.email));
    const after = (await call('GET', `/v1/patients/${patient.id}/correspondence?limit=100`, { token: sender.token })).body.items;
    expect(after.map((x: { id: string; body: string }) => [x.id, x.body])).toEqual(before.map((x: { id: string; body: string }) => [x.id, x.body]));
  });
});
