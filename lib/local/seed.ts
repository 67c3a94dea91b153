/**
 * The demo practice: an admin, a receptionist, a provider, a biller and two patients, created
 * through the public HTTP API itself (so seeding exercises the same path a practice uses).
 */
import type { TokenIssuer } from './token-issuer.js';

export const DEMO_PRACTICE = 'demo-practice';

export interface DemoUser {
  label: string;
  role: string;
  id: string;
  token: string;
}

async function post(url: string, token: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`Seeding ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string };
}

export async function seedDemoPractice(baseUrl: string, issuer: TokenIssuer): Promise<DemoUser[]> {
  // The operator's bootstrap admin needs no staff record; it creates everyone else.
  const bootstrap = await issuer.sign({ practiceId: DEMO_PRACTICE, sub: 'bootstrap-admin', role: 'admin' });
  const staff = [
    { label: 'admin', name: 'Avery Admin', email: 'avery.admin@demo-practice.example', role: 'admin', permissions: ['send_messages', 'manage_contacts'] },
    { label: 'receptionist', name: 'Riley Reception', email: 'riley@demo-practice.example', role: 'receptionist', permissions: ['send_messages', 'manage_contacts'] },
    { label: 'provider', name: 'Dr. Priya Provider', email: 'priya@demo-practice.example', role: 'provider', permissions: ['send_messages'] },
    { label: 'biller', name: 'Blake Biller', email: 'blake@demo-practice.example', role: 'biller', permissions: ['send_messages'] },
  ];
  const patients = [
    { label: 'patient', name: 'Pat Jordan', email: 'pat.jordan@example.com', phone: '+1 202 555 0143', status: 'active' },
    { label: 'patient2', name: 'Sam Lee', phone: '(202) 555-0188', whatsapp: '+44 7700 900123', status: 'active' },
  ];
  const users: DemoUser[] = [];
  for (const { label, ...body } of staff) {
    const { id } = await post(`${baseUrl}/v1/staff`, bootstrap, body);
    users.push({ label, role: body.role, id, token: await issuer.sign({ practiceId: DEMO_PRACTICE, sub: id, role: body.role }) });
  }
  for (const { label, ...body } of patients) {
    const { id } = await post(`${baseUrl}/v1/patients`, bootstrap, body);
    users.push({ label, role: 'patient', id, token: await issuer.sign({ practiceId: DEMO_PRACTICE, sub: id, role: 'patient' }) });
  }
  return users;
}
