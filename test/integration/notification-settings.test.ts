import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { call, eventually, expectProblem, newPractice, outbox } from './api-client.js';
import { portal, pt, st, started } from './conversation-helpers.js';
import { group, succeeded } from './fixtures.js';

const email = (who: string) => `${who}-${ulid().toLowerCase()}@example.com`;
const notices = (message: { deliveries: { purpose: string; channel: string; recipient: { type: string; id: string } }[] }, type: string, id: string) =>
  message.deliveries.filter((d) => d.purpose === 'notification' && d.recipient.type === type && d.recipient.id === id);
const effective = async (token: string, patientId: string) =>
  (await succeeded('patient', call('GET', `/v1/patients/${patientId}`, { token }), 200)).effectiveChat.emailNotifications;

describe('Notification emails of portal messages: staff recipients', () => {
  it('a staff recipient with an email gets the content-free notification email; the patient sees no staff delivery', async () => {
    const p = await newPractice();
    const address = email('front-desk');
    const receptionist = await p.staff('receptionist', ['send_messages'], { email: address });
    const patient = await p.patient();
    const body = 'My knee still hurts after the injection, what should I do?';
    const { message } = await started(patient.token, portal([st(receptionist)], { body }));
    expect(message.deliveries).toEqual([]);
    const staffView = await succeeded('messages', call('GET', `/v1/conversations/${message.conversationId}/messages`, { token: receptionist.token }), 200);
    expect(notices(staffView.items[0], 'staff', receptionist.id)).toEqual([
      expect.objectContaining({ channel: 'email', address, purpose: 'notification' }),
    ]);
    const [sent] = await eventually('the notification email', () => outbox('email', address), (o) => o.length >= 1);
    expect(sent?.subject).toBe('You have a new message');
    expect(sent?.body).not.toContain('knee');
  });

  it('PATCH /v1/me { emailNotifications: false } turns them off for that member of staff only', async () => {
    const p = await newPractice();
    const quiet = await p.staff('receptionist', ['send_messages'], { email: email('quiet') });
    const loud = await p.staff('biller', ['send_messages'], { email: email('loud') });
    const me = await succeeded('me', call('PATCH', '/v1/me', { token: quiet.token, body: { emailNotifications: false } }), 200);
    expect(me).toMatchObject({ id: quiet.id, emailNotifications: false });
    expect(await succeeded('staff', call('GET', `/v1/staff/${quiet.id}`, { token: p.admin.token }), 200)).toMatchObject({ emailNotifications: false });

    const patient = await p.patient();
    const { conversation } = await started(patient.token, portal([st(quiet), st(loud)]));
    const [m] = (await succeeded('messages', call('GET', `/v1/conversations/${conversation.id}/messages`, { token: quiet.token }), 200)).items;
    expect(notices(m, 'staff', quiet.id)).toEqual([]);
    expect(notices(m, 'staff', loud.id)).toHaveLength(1);

    // On again: the next message notifies them.
    await succeeded('me', call('PATCH', '/v1/me', { token: quiet.token, body: { emailNotifications: true } }), 200);
    const reply = await succeeded('reply', call('POST', `/v1/conversations/${conversation.id}/messages`, { token: loud.token, body: { body: 'We will call you back today.' } }), 201);
    expect(notices(reply, 'staff', quiet.id)).toHaveLength(1);
    expect(notices(reply, 'staff', loud.id)).toEqual([]);
  });

  it('PATCH /v1/me is for staff (a patient is 403), takes only emailNotifications (400), and needs a staff record (404)', async () => {
    const p = await newPractice();
    const patient = await p.patient();
    const staff = await p.staff('provider');
    expectProblem(await call('PATCH', '/v1/me', { token: patient.token, body: { emailNotifications: false } }), 403, 'forbidden');
    expectProblem(await call('PATCH', '/v1/me', { token: staff.token, body: { emailNotifications: 'no' } }), 400, 'validation_failed');
    expectProblem(await call('PATCH', '/v1/me', { token: staff.token, body: { emailNotifications: false, role: 'admin' } }), 400, 'validation_failed');
    expectProblem(await call('PATCH', '/v1/me', { token: p.admin.token, body: { emailNotifications: false } }), 404, 'not_found');
    // A patient reading staff never sees their setting.
    await succeeded('me', call('PATCH', '/v1/me', { token: staff.token, body: { emailNotifications: false } }), 200);
    expect(await succeeded('staff', call('GET', `/v1/staff/${staff.id}`, { token: patient.token }), 200)).not.toHaveProperty('emailNotifications');
  });
});

describe('emailNotifications as a chat setting: patient, group, practice', () => {
  it('by default it is on (practice) and a patient with an email is notified', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ email: email('patient') });
    expect(await effective(p.admin.token, patient.id)).toEqual({ value: true, source: 'practice' });
    const { message } = await started(receptionist.token, portal([pt(patient)]));
    expect(notices(message, 'patient', patient.id)).toHaveLength(1);
  });

  it("the patient's own setting wins: off means no notification, the portal delivery stays", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ email: email('patient'), chat: { directMessaging: true, communityChat: true, emailNotifications: false } });
    expect(await effective(p.admin.token, patient.id)).toEqual({ value: false, source: 'patient' });
    const { message } = await started(receptionist.token, portal([pt(patient)]));
    expect(notices(message, 'patient', patient.id)).toEqual([]);
    expect(message.deliveries).toEqual([expect.objectContaining({ channel: 'portal', purpose: 'message', recipient: pt(patient) })]);
  });

  it("a group's setting applies to members without their own value; a patient's own chat without it still follows the group", async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const member = await p.patient({ email: email('member') });
    const ownChat = await p.patient({ email: email('own'), chat: { directMessaging: true, communityChat: true } });
    const g = await group(p.admin.token);
    await succeeded('members', call('POST', `/v1/groups/${g.id}/members`, { token: p.admin.token, body: { patientIds: [member.id, ownChat.id] } }));
    const updated = await succeeded('group chat', call('PATCH', `/v1/groups/${g.id}/chat`, { token: p.admin.token, body: { emailNotifications: false } }), 200);
    expect(updated.chat).toEqual({ emailNotifications: false });
    expect(await effective(p.admin.token, member.id)).toEqual({ value: false, source: 'group' });
    expect(await effective(p.admin.token, ownChat.id)).toEqual({ value: false, source: 'group' });
    const { message } = await started(receptionist.token, portal([pt(member)]));
    expect(notices(message, 'patient', member.id)).toEqual([]);
  });

  it('the practice default (PATCH /v1/settings/chat, applyTo all) turns it off; leaving it out later keeps it', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ email: email('patient') });
    const off = await succeeded(
      'practice chat',
      call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { directMessaging: true, communityChat: true, emailNotifications: false, applyTo: 'all' } }),
      200,
    );
    expect(off.emailNotifications).toBe(false);
    expect(await effective(p.admin.token, patient.id)).toEqual({ value: false, source: 'practice' });
    const { message } = await started(receptionist.token, portal([pt(patient)]));
    expect(notices(message, 'patient', patient.id)).toEqual([]);

    const kept = await succeeded(
      'practice chat',
      call('PATCH', '/v1/settings/chat', { token: p.admin.token, body: { directMessaging: true, communityChat: false, applyTo: 'all' } }),
      200,
    );
    expect(kept.emailNotifications).toBe(false);
    expect((await succeeded('get', call('GET', '/v1/settings/chat', { token: p.admin.token }), 200)).emailNotifications).toBe(false);
    expect(await effective(p.admin.token, patient.id)).toEqual({ value: false, source: 'practice' });
  });
});
