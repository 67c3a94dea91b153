/** Issue 14 item 9: the blocked list is searched as the contacts list is (phones as people type them, names). */
import { describe, expect, it } from 'vitest';
import { call, newPractice } from './api-client.js';
import { blocked, contact, manager, succeeded } from './fixtures.js';

const search = async (token: string, q: string): Promise<string[]> =>
  (await succeeded(`search ${q}`, call('GET', `/v1/blocks?q=${encodeURIComponent(q)}`, { token }), 200)).items.map((b: { id: string }) => b.id);

describe('Blocks: search', () => {
  it('finds a blocked phone however it is typed, as the contacts search does', async () => {
    const p = await newPractice();
    const m = await manager(p);
    const b = await blocked(m.token, { type: 'phone', value: '+12025551003' });
    await blocked(m.token, { type: 'phone', value: '+12025559999' });
    for (const typed of ['2025551003', '(202) 555-1003', '202-555-1003', '+1 202 555 1003', '202.555.1003']) {
      expect(await search(m.token, typed), typed).toEqual([b.id]);
    }
  });

  it("finds a block by the linked patient's or contact's name, any case, any word", async () => {
    const p = await newPractice();
    const m = await manager(p);
    const patient = await p.patient({ name: 'Rosalind Franklin', email: 'rosalind.f@example.com' });
    const c = await contact(m.token, { name: 'Ivor Spammer', primaryPhone: '+12025551004' });
    const forPatient = await blocked(m.token, { type: 'email', value: 'rosalind.f@example.com' });
    expect(forPatient.patient).toEqual({ id: patient.id, name: 'Rosalind Franklin' });
    const forContact = await blocked(m.token, { type: 'phone', value: '+12025551004' });
    await blocked(m.token, { type: 'email', value: 'unlinked@example.com' });
    expect(await search(m.token, 'rosalind')).toEqual([forPatient.id]);
    expect(await search(m.token, 'FRANKLIN')).toEqual([forPatient.id]);
    expect(await search(m.token, 'Rosalind Franklin')).toEqual([forPatient.id]);
    expect(await search(m.token, 'spamm')).toEqual([forContact.id]);
    expect(forContact.contact).toEqual({ id: c.id, name: 'Ivor Spammer' });
    // The same query finds the same person in the contacts list.
    const contacts = await succeeded('contacts', call('GET', `/v1/contacts?q=${encodeURIComponent('(202) 555-1004')}`, { token: m.token }), 200);
    expect(contacts.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect(await search(m.token, '(202) 555-1004')).toEqual([forContact.id]);
  });
});

describe("Blocks: stats days are the practice's days", () => {
  const dayIn = (timeZone: string, iso: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

  // UTC+14 and UTC-11 are 25 hours apart: their dates of one instant always differ, so at any
  // hour at least one of them is not the UTC date.
  for (const timeZone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
    it(`counts a block on the day it was in ${timeZone}, and defaults to today there`, async () => {
      const p = await newPractice();
      await succeeded('time zone', call('PATCH', '/v1/settings/practice', { token: p.admin.token, body: { timeZone } }), 200);
      const m = await manager(p);
      const b = await blocked(m.token, { type: 'email', value: `tz.${timeZone.length}@example.com` });
      const local = dayIn(timeZone, b.blockedAt);
      const utc = b.blockedAt.slice(0, 10);

      const onLocalDay = await succeeded('stats', call('GET', `/v1/blocks/stats?from=${local}&to=${local}`, { token: m.token }), 200);
      expect(onLocalDay).toMatchObject({ from: local, to: local, totalBlocked: 1, blocked: [{ date: local, count: 1 }] });
      if (utc !== local) {
        const onUtcDay = await succeeded('stats', call('GET', `/v1/blocks/stats?from=${utc}&to=${utc}`, { token: m.token }), 200);
        expect(onUtcDay).toMatchObject({ totalBlocked: 0, blocked: [] });
      }
      const byDefault = await succeeded('stats', call('GET', '/v1/blocks/stats', { token: m.token }), 200);
      const today = dayIn(timeZone, new Date().toISOString());
      expect(byDefault.to).toBe(today);
      expect(byDefault.blocked).toEqual([{ date: local, count: 1 }]);
    });
  }
});
