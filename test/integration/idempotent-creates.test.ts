/**
 * A creating request whose write committed keeps its Idempotency-Key answer, whatever fails after
 * the write: the answer is stored in the write's own transaction. Here the use cases run in the
 * test process against the run's DynamoDB Local, with the real idempotency store, and the request
 * "crashes" right after its write: the retry with the same key answers what the first would have,
 * and creates nothing new. (Before, the key was released on the failure and the retry created a
 * second patient, contact, group, member of staff or note.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import type { Caller } from '../../lambdas/domain/caller.js';
import type { Idempotent } from '../../lambdas/http/idempotency.js';
import { useRuntimeEnvironment } from './in-process.js';

type Wiring = typeof import('../../lambdas/wiring.js');
let wiring: Wiring;
let idempotent: Idempotent;
let directoryUc: typeof import('../../lambdas/use-cases/directory.js');
let contactsUc: typeof import('../../lambdas/use-cases/contacts/index.js');
let conversationsUc: typeof import('../../lambdas/use-cases/conversations/index.js');

useRuntimeEnvironment();

beforeAll(async () => {
  wiring = await import('../../lambdas/wiring.js');
  const { idempotency } = await import('../../lambdas/http/idempotency.js');
  const { DynamoIdempotencyStore } = await import('../../lambdas/adapters/dynamo/idempotency-store.js');
  idempotent = idempotency(new DynamoIdempotencyStore(), { ttlSeconds: 3600 });
  directoryUc = await import('../../lambdas/use-cases/directory.js');
  contactsUc = await import('../../lambdas/use-cases/contacts/index.js');
  conversationsUc = await import('../../lambdas/use-cases/conversations/index.js');
});

const admin = (practiceId: string): Caller => ({
  practiceId,
  id: `admin-${ulid()}`,
  role: 'admin',
  kind: 'staff',
  name: 'Admin',
  permissions: ['send_messages', 'manage_contacts'],
});

const crashAfterWrite = new Error('the function died after its write committed');

/**
 * Runs `create` under an Idempotency-Key and fails right after it; then retries with the same key
 * and a `create` that must not run. Returns what the first wrote and what the retry answered.
 */
async function crashThenRetry<T>(caller: Caller, routeKey: string, body: unknown, create: () => Promise<T>) {
  const req = { headers: { 'idempotency-key': `key-${ulid()}` }, caller, routeKey, params: {}, body, successStatus: 201 };
  let created: T | undefined;
  await expect(
    idempotent(req, async () => {
      created = await create();
      throw crashAfterWrite;
    }),
  ).rejects.toBe(crashAfterWrite);
  let ranAgain = false;
  const retry = await idempotent(req, async () => {
    ranAgain = true;
    throw new Error('the retry must not create again');
  });
  expect(ranAgain).toBe(false);
  expect(retry.statusCode).toBe(201);
  return { created: created as T, answer: JSON.parse(retry.body as string) as unknown };
}

describe('Idempotency: a committed create keeps its answer', () => {
  it('POST /v1/patients: the retry answers the patient created, and there is one', async () => {
    const practiceId = `idem-${ulid().toLowerCase()}`;
    const caller = admin(practiceId);
    const settings = await wiring.directoryDeps.directory.getSettings(practiceId);
    const body = { name: 'Ada Crash', status: 'active' as const };
    const { created, answer } = await crashThenRetry(caller, 'POST /v1/patients', body, () => directoryUc.createPatient(wiring.directoryDeps, caller, body, settings));
    expect(answer).toEqual(JSON.parse(JSON.stringify(created)));
    const page = await wiring.directoryDeps.directory.listPatients(practiceId, { limit: 50 });
    expect(page.items.map((p) => p.id)).toEqual([created.id]);
  });

  it('POST /v1/staff: the retry answers the member of staff created, and there is one', async () => {
    const practiceId = `idem-${ulid().toLowerCase()}`;
    const caller = admin(practiceId);
    const body = { name: 'Bo Crash', role: 'receptionist' as const, permissions: [] };
    const { created, answer } = await crashThenRetry(caller, 'POST /v1/staff', body, () => directoryUc.createStaff(wiring.directoryDeps, caller, body, 'US'));
    expect(answer).toEqual(JSON.parse(JSON.stringify(created)));
    const page = await wiring.directoryDeps.directory.listStaff(practiceId, { limit: 50 });
    expect(page.items.map((s) => s.id)).toEqual([created.id]);
  });

  it('POST /v1/contacts and POST /v1/groups: the retry answers the record created, and there is one', async () => {
    const practiceId = `idem-${ulid().toLowerCase()}`;
    const caller = admin(practiceId);
    const contactBody = { name: 'Cy Crash', email: `cy-${ulid().toLowerCase()}@example.com` };
    const contact = await crashThenRetry(caller, 'POST /v1/contacts', contactBody, () => contactsUc.createContact(wiring.contactDeps, caller, contactBody, 'US'));
    expect(contact.answer).toEqual(JSON.parse(JSON.stringify(contact.created)));
    const contacts = await contactsUc.listContacts(wiring.contactDeps, caller, { limit: 50 });
    expect(contacts.items.map((c) => c.id)).toEqual([contact.created.id]);

    const groupBody = { name: 'Crash group' };
    const group = await crashThenRetry(caller, 'POST /v1/groups', groupBody, () => contactsUc.createGroup(wiring.contactDeps, caller, groupBody));
    expect(group.answer).toEqual(JSON.parse(JSON.stringify(group.created)));
    const groups = await contactsUc.listGroups(wiring.contactDeps, caller, { limit: 50 });
    expect(groups.items.map((g) => g.id)).toEqual([group.created.id]);
  });

  it('POST /v1/conversations/{id}/notes: the retry answers the note saved, and there is one', async () => {
    const practiceId = `idem-${ulid().toLowerCase()}`;
    const caller = admin(practiceId);
    const settings = await wiring.directoryDeps.directory.getSettings(practiceId);
    const patient = await directoryUc.createPatient(wiring.directoryDeps, caller, { name: 'Di Note', status: 'active' }, settings);
    await wiring.directoryDeps.directory.createStaff(practiceId, {
      id: caller.id,
      name: 'Admin',
      email: null,
      phone: null,
      role: 'admin',
      permissions: ['send_messages', 'manage_contacts'],
      status: 'active',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
    const { conversation } = await conversationsUc.startConversation(wiring.conversationDeps, caller, {
      channel: 'portal',
      subject: 'Results',
      participants: [{ type: 'patient', id: patient.id }],
      body: 'Your results are in and look fine.',
    });
    const body = { text: 'Called back, all good.' };
    const { created, answer } = await crashThenRetry(caller, 'POST /v1/conversations/{id}/notes', body, () =>
      conversationsUc.addNote(wiring.conversationDeps, caller, conversation.id, body),
    );
    expect(answer).toEqual(JSON.parse(JSON.stringify(created)));
    const notes = await conversationsUc.listNotes(wiring.conversationDeps, caller, patient.id, { limit: 50 });
    expect(notes.items.map((n) => n.id)).toEqual([created.id]);
  });
});
