/** Channel settings through the HTTP API: normalised lists, one practice per destination (409 across practices), claims released. */
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { call, expectProblem, newPractice } from './api-client.js';
import { uniqueDigits, uniqueNumber } from './webhook-signing.js';

describe('Channel settings', () => {
  it('an admin reads the defaults and sets numbers (E.164), phone-number ids and addresses (lower-cased)', async () => {
    const p = await newPractice();
    expect((await call('GET', '/v1/settings/channels', { token: p.admin.token })).body).toEqual({ smsNumbers: [], whatsappPhoneNumberIds: [], inboundEmailAddresses: [] });
    const n = uniqueNumber();
    const spaced = `${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5)}`;
    const local = `Replies-${ulid()}`;
    const id = uniqueDigits();
    const res = await call('PATCH', '/v1/settings/channels', {
      token: p.admin.token,
      body: { smsNumbers: [spaced], whatsappPhoneNumberIds: [id], inboundEmailAddresses: [`${local}@Clinic.Example.com`] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ smsNumbers: [n], whatsappPhoneNumberIds: [id], inboundEmailAddresses: [`${local.toLowerCase()}@clinic.example.com`] });
    expect((await call('GET', '/v1/settings/channels', { token: p.admin.token })).body).toEqual(res.body);
    // A list left out is kept.
    const next = await call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { whatsappPhoneNumberIds: [] } });
    expect(next.body).toEqual({ ...res.body, whatsappPhoneNumberIds: [] });
  });

  it('a number, phone-number id or address another practice holds is 409 channel_address_taken, and nothing changes', async () => {
    const a = await newPractice();
    const b = await newPractice();
    const number = uniqueNumber();
    const id = uniqueDigits();
    const address = `in-${ulid().toLowerCase()}@clinic.example.com`;
    expect((await call('PATCH', '/v1/settings/channels', { token: a.admin.token, body: { smsNumbers: [number], whatsappPhoneNumberIds: [id], inboundEmailAddresses: [address] } })).status).toBe(200);
    const mine = uniqueNumber();
    for (const body of [{ smsNumbers: [mine, number] }, { whatsappPhoneNumberIds: [id] }, { inboundEmailAddresses: [address.toUpperCase()] }]) {
      expectProblem(await call('PATCH', '/v1/settings/channels', { token: b.admin.token, body }), 409, 'channel_address_taken');
    }
    expect((await call('GET', '/v1/settings/channels', { token: b.admin.token })).body).toEqual({ smsNumbers: [], whatsappPhoneNumberIds: [], inboundEmailAddresses: [] });
    // b's own number was not claimed by the refused PATCH: a third practice can take it.
    const c = await newPractice();
    expect((await call('PATCH', '/v1/settings/channels', { token: c.admin.token, body: { smsNumbers: [mine] } })).status).toBe(200);
    // Once a releases the number, b may claim it.
    expect((await call('PATCH', '/v1/settings/channels', { token: a.admin.token, body: { smsNumbers: [] } })).status).toBe(200);
    expect((await call('PATCH', '/v1/settings/channels', { token: b.admin.token, body: { smsNumbers: [number] } })).body.smsNumbers).toEqual([number]);
  });

  it('two practices claiming one number at once: exactly one wins', async () => {
    const [a, b] = await Promise.all([newPractice(), newPractice()]);
    const number = uniqueNumber();
    const out = await Promise.all([a, b].map((p) => call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { smsNumbers: [number] } })));
    expect(out.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('refuses invalid entries (every one listed), a + in an inbound address, and non-admins', async () => {
    const p = await newPractice();
    const bad = await call('PATCH', '/v1/settings/channels', {
      token: p.admin.token,
      body: { smsNumbers: ['12'], whatsappPhoneNumberIds: ['abc'], inboundEmailAddresses: ['not-an-address', 'a+b@clinic.example.com'] },
    });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['inboundEmailAddresses.0', 'inboundEmailAddresses.1', 'smsNumbers.0', 'whatsappPhoneNumberIds.0']);
    expectProblem(await call('PATCH', '/v1/settings/channels', { token: p.admin.token, body: { faxNumbers: [] } }), 400, 'validation_failed');
    const staff = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    expectProblem(await call('GET', '/v1/settings/channels', { token: staff.token }), 403, 'forbidden');
    expectProblem(await call('PATCH', '/v1/settings/channels', { token: staff.token, body: { smsNumbers: [] } }), 403, 'forbidden');
  });
});
