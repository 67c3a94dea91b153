import { describe, expect, it } from 'vitest';
import { call, expectProblem, newPractice } from './api-client.js';

describe('Directory: practice settings', () => {
  it('starts with the defaults and lets an admin change them', async () => {
    const p = await newPractice();
    const initial = await call('GET', '/v1/settings/practice', { token: p.admin.token });
    expect(initial.body).toMatchObject({ name: null, defaultRegion: 'US', timeZone: 'UTC' });
    const changed = await call('PATCH', '/v1/settings/practice', {
      token: p.admin.token,
      body: { name: 'Harbour Dental', defaultRegion: 'GB', timeZone: 'Europe/London' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Harbour Dental', defaultRegion: 'GB', timeZone: 'Europe/London' });
    expect((await call('GET', '/v1/settings/practice', { token: p.admin.token })).body.name).toBe('Harbour Dental');
  });

  it('refuses an unknown region or time zone, listing both', async () => {
    const p = await newPractice();
    const res = await call('PATCH', '/v1/settings/practice', {
      token: p.admin.token,
      body: { defaultRegion: 'XX', timeZone: 'Mars/Olympus' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['defaultRegion', 'timeZone']);
  });

  it('lets only an admin change settings', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    expectProblem(await call('PATCH', '/v1/settings/practice', { token: receptionist.token, body: { name: 'X' } }), 403, 'forbidden');
  });
});

describe('Directory: staff', () => {
  it('an admin adds a staff member with a lower-cased email and an E.164 phone', async () => {
    const p = await newPractice();
    const res = await call('POST', '/v1/staff', {
      token: p.admin.token,
      body: { name: 'Riley Reception', email: '  Riley@Clinic.EXAMPLE ', phone: '(202) 555-0143', role: 'receptionist', permissions: ['send_messages'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      name: 'Riley Reception',
      email: 'riley@clinic.example',
      phone: '+12025550143',
      role: 'receptionist',
      permissions: ['send_messages'],
      createdAt: expect.any(String),
    });
    const read = await call('GET', `/v1/staff/${res.body.id}`, { token: p.admin.token });
    expect(read.body).toEqual(res.body);
  });

  it('lists every invalid field at once', async () => {
    const p = await newPractice();
    const res = await call('POST', '/v1/staff', {
      token: p.admin.token,
      body: { email: 'not-an-email', phone: '12', role: 'janitor', permissions: ['fly'], nickname: 'x' },
    });
    expectProblem(res, 400, 'validation_failed');
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['email', 'name', 'nickname', 'permissions.0', 'phone', 'role']);
  });

  it('only an admin adds or changes staff', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist', ['send_messages', 'manage_contacts']);
    const body = { name: 'X', role: 'biller', permissions: [] };
    expectProblem(await call('POST', '/v1/staff', { token: receptionist.token, body }), 403, 'forbidden');
    expectProblem(await call('PATCH', `/v1/staff/${receptionist.id}`, { token: receptionist.token, body: { permissions: [] } }), 403, 'forbidden');
  });

  it('an admin changes permissions; the staff record, not the token, decides them', async () => {
    const p = await newPractice();
    const provider = await p.staff('provider', []);
    const res = await call('PATCH', `/v1/staff/${provider.id}`, {
      token: p.admin.token,
      body: { permissions: ['send_messages', 'manage_contacts'], email: null },
    });
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual(['send_messages', 'manage_contacts']);
    expect(res.body.email).toBeNull();
    expect(res.body.updatedAt > provider.body.updatedAt).toBe(true);
  });

  it('PATCH of a staff id that does not exist is 404', async () => {
    const p = await newPractice();
    expectProblem(await call('PATCH', '/v1/staff/01NOTREAL', { token: p.admin.token, body: { name: 'Y' } }), 404, 'not_found');
  });

  it('lists staff by name with a cursor, and shows patients no staff contact details', async () => {
    const p = await newPractice();
    await p.staff('receptionist', ['send_messages'], { name: 'Charlie', email: 'c@x.example' });
    await p.staff('biller', ['send_messages'], { name: 'alice' });
    await p.staff('provider', ['send_messages'], { name: 'Bob' });
    const first = await call('GET', '/v1/staff?limit=2', { token: p.admin.token });
    expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['alice', 'Bob']);
    const second = await call('GET', `/v1/staff?limit=2&cursor=${first.body.nextCursor}`, { token: p.admin.token });
    expect(second.body.items.map((s: { name: string }) => s.name)).toEqual(['Charlie']);
    expect(second.body.nextCursor).toBeNull();

    const patient = await p.patient();
    const seen = await call('GET', '/v1/staff', { token: patient.token });
    const charlie = seen.body.items.find((s: { name: string }) => s.name === 'Charlie');
    expect(charlie).toMatchObject({ role: 'receptionist', email: null });
    expect(charlie).not.toHaveProperty('permissions'); // staff-only (issue 14 item 10)
  });

  it('refuses a limit outside 1-100 and unknown query parameters', async () => {
    const p = await newPractice();
    expectProblem(await call('GET', '/v1/staff?limit=0', { token: p.admin.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/staff?limit=101', { token: p.admin.token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/staff?colour=red', { token: p.admin.token }), 400, 'validation_failed');
  });
});

describe('Directory: patients', () => {
  it('a receptionist adds a patient; phones are read with the practice default region', async () => {
    const p = await newPractice();
    await call('PATCH', '/v1/settings/practice', { token: p.admin.token, body: { defaultRegion: 'GB' } });
    const receptionist = await p.staff('receptionist');
    const res = await call('POST', '/v1/patients', {
      token: receptionist.token,
      body: {
        name: 'Gwen Jones',
        email: 'Gwen.Jones@Example.COM',
        phone: '07700 900123',
        whatsapp: '+44 7700 900124',
        status: 'active',
        chat: { directMessaging: false, communityChat: true },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Gwen Jones',
      email: 'gwen.jones@example.com',
      phone: '+447700900123',
      whatsapp: '+447700900124',
      status: 'active',
      chat: { directMessaging: false, communityChat: true },
      effectiveChat: {
        directMessaging: { value: false, source: 'patient' },
        communityChat: { value: true, source: 'patient' },
      },
      blockedContacts: [],
    });
  });

  it('refuses a bad phone and a bad email with a field list', async () => {
    const p = await newPractice();
    const res = await call('POST', '/v1/patients', {
      token: p.admin.token,
      body: { name: 'Bad Data', phone: '555', whatsapp: 'call me', email: 'nope@', status: 'active' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'phone', 'whatsapp']);
  });

  it('providers and billers cannot add patients', async () => {
    const p = await newPractice();
    for (const role of ['provider', 'biller'] as const) {
      const s = await p.staff(role);
      expectProblem(await call('POST', '/v1/patients', { token: s.token, body: { name: 'N', status: 'active' } }), 403, 'forbidden');
    }
  });

  it('finds patients by name word, email or phone prefix, and forgets old values after an edit', async () => {
    const p = await newPractice();
    const maria = await p.patient({ name: 'Maria Gonzalez', email: 'maria.g@example.com', phone: '+1 415 555 2671' });
    await p.patient({ name: 'Mark Twain', email: 'twain@example.com' });
    const q = async (text: string) =>
      (await call('GET', `/v1/patients?q=${encodeURIComponent(text)}`, { token: p.admin.token })).body.items.map(
        (x: { name: string }) => x.name,
      );
    expect(await q('gonz')).toEqual(['Maria Gonzalez']);
    expect((await q('mar')).sort()).toEqual(['Maria Gonzalez', 'Mark Twain']);
    expect(await q('MARIA.G@')).toEqual(['Maria Gonzalez']);
    expect(await q('(415) 555')).toEqual(['Maria Gonzalez']);
    expect(await q('+1415')).toEqual(['Maria Gonzalez']);

    const edited = await call('PATCH', `/v1/patients/${maria.id}`, { token: p.admin.token, body: { name: 'Maria Lopez', phone: null } });
    expect(edited.status).toBe(200);
    expect(edited.body.phone).toBeNull();
    expect(await q('gonz')).toEqual([]);
    expect(await q('415')).toEqual([]);
    expect(await q('lopez')).toEqual(['Maria Lopez']);
  });

  it('pages through patients with a cursor, each patient once', async () => {
    const p = await newPractice();
    for (let i = 0; i < 5; i++) await p.patient({ name: `Page Person ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await call('GET', `/v1/patients?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: p.admin.token });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('refuses a cursor that is not one', async () => {
    const p = await newPractice();
    expectProblem(await call('GET', '/v1/patients?cursor=garbage', { token: p.admin.token }), 400, 'validation_failed');
  });

  it('a patient reads their own record only, and cannot list patients', async () => {
    const p = await newPractice();
    const me = await p.patient();
    const other = await p.patient();
    expect((await call('GET', `/v1/patients/${me.id}`, { token: me.token })).status).toBe(200);
    expectProblem(await call('GET', `/v1/patients/${other.id}`, { token: me.token }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/patients', { token: me.token }), 403, 'forbidden');
  });

  it('an inactive patient can be reactivated, and a patient chat setting can be cleared back to the practice default', async () => {
    const p = await newPractice();
    const pat = await p.patient({ status: 'inactive', chat: { directMessaging: false, communityChat: false } });
    const res = await call('PATCH', `/v1/patients/${pat.id}`, { token: p.admin.token, body: { status: 'active', chat: null } });
    expect(res.body).toMatchObject({
      status: 'active',
      chat: null,
      effectiveChat: { directMessaging: { value: true, source: 'practice' } },
    });
  });
});
