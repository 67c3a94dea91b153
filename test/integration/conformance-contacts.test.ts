/** Issue 14 (contacts, blocks and broadcasts): what a practice's developer found against the contract. */
import { describe, expect, it } from 'vitest';
import { call, eventually, newPractice, outbox } from './api-client.js';
import { contact, freshPhone, manager, succeeded } from './fixtures.js';

describe('Broadcasts: everyone left out is counted', () => {
  it('an archived contact in the audience is not sent to and is counted in excluded.archived', async () => {
    const p = await newPractice();
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const [livePhone, archivedPhone] = [freshPhone(), freshPhone()];
    const live = await contact(staff.token, { name: 'Live Lead', primaryPhone: livePhone });
    const gone = await contact(staff.token, { name: 'Gone Lead', primaryPhone: archivedPhone });
    await succeeded('archive', call('PATCH', `/v1/contacts/${gone.id}`, { token: staff.token, body: { status: 'archived' } }), 200);

    const res = await succeeded(
      'broadcast',
      call('POST', '/v1/broadcasts', { token: staff.token, body: { channel: 'sms', body: 'Open day on Saturday', audience: { contactIds: [live.id, gone.id] } } }),
      202,
    );
    expect(res).toMatchObject({ recipients: 1, excluded: { blocked: 0, chatDisabled: 0, noAddress: 0, archived: 1 } });
    const done = await eventually('the broadcast to finish', () => call('GET', `/v1/broadcasts/${res.id}`, { token: staff.token }), (r) => r.body.status === 'done');
    expect(done.body.excluded).toEqual({ blocked: 0, chatDisabled: 0, noAddress: 0, archived: 1 });
    expect(await outbox('sms', livePhone)).toHaveLength(1);
    expect(await outbox('sms', archivedPhone)).toHaveLength(0);
  });
});

describe('Directory: what a patient sees of staff-only fields', () => {
  it('a patient reading their own record gets no blockedContacts reminder; staff still do', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const phone = freshPhone();
    const patient = await p.patient({ phone });
    await succeeded('block', call('POST', '/v1/blocks', { token: m.token, body: { type: 'phone', value: phone, patientId: patient.id } }), 201);
    const own = await succeeded('own record', call('GET', `/v1/patients/${patient.id}`, { token: patient.token }), 200);
    expect(own).not.toHaveProperty('blockedContacts');
    expect(own).toMatchObject({ id: patient.id, phone });
    const staffView = await succeeded('staff read', call('GET', `/v1/patients/${patient.id}`, { token: m.token }), 200);
    expect(staffView.blockedContacts).toEqual([{ blockId: expect.any(String), type: 'phone', value: phone }]);
  });

  it('a patient listing or reading staff sees no permissions field; staff and admins see them', async () => {
    const p = await newPractice();
    const holder = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const patient = await p.patient();
    const seen = await succeeded('staff list', call('GET', '/v1/staff', { token: patient.token }), 200);
    const listed = seen.items.find((s: { id: string }) => s.id === holder.id);
    expect(listed).toMatchObject({ id: holder.id, role: 'receptionist' });
    expect(listed).not.toHaveProperty('permissions');
    expect(await succeeded('staff read', call('GET', `/v1/staff/${holder.id}`, { token: patient.token }), 200)).not.toHaveProperty('permissions');
    const byAdmin = await succeeded('admin read', call('GET', `/v1/staff/${holder.id}`, { token: p.admin.token }), 200);
    expect(byAdmin.permissions).toEqual(['send_messages', 'manage_contacts']);
  });
});
