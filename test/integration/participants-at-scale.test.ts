/**
 * Participants at scale (API.md, Conversations and messages; issue 12 items 3 and 4): a role
 * participant stands for the role's active staff when the conversation starts; a conversation
 * holds 500 people — the start and a reply reach every participant's inbox within seconds
 * (the states beyond one transaction follow through the stream), an archived one comes back
 * unread, and a delete leaves no state behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useRuntimeEnvironment } from './in-process.js';
import { type Actor, api, auth, call, eventually, expectProblem, newPractice, tokenFor } from './api-client.js';
import { messages, portal, pt, replied, st, start, started } from './conversation-helpers.js';
import { succeeded } from './fixtures.js';

let dynamo: typeof import('../../lambdas/adapters/dynamo/client.js')['dynamo'];
let tableName: string;
let keys: typeof import('../../lambdas/adapters/dynamo/keys.js')['keys'];
let lib: typeof import('@aws-sdk/lib-dynamodb');

useRuntimeEnvironment();

beforeAll(async () => {
  ({ dynamo, tableName } = await import('../../lambdas/adapters/dynamo/client.js'));
  ({ keys } = await import('../../lambdas/adapters/dynamo/keys.js'));
  lib = await import('@aws-sdk/lib-dynamodb');
});

type Practice = Awaited<ReturnType<typeof newPractice>>;

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

const roles = ['receptionist', 'biller', 'provider', 'admin'] as const;

/** `n` staff members (no permissions needed to receive), each with a token. */
function manyStaff(p: Practice, n: number): Promise<Actor[]> {
  return inParallel(Array.from({ length: n }, (_, i) => i), 12, async (i) => {
    const role = roles[i % roles.length] as (typeof roles)[number];
    const { data, response } = await api.POST('/v1/staff', { headers: auth(p.admin.token), body: { name: `Member ${String(i).padStart(3, '0')}`, role, permissions: ['send_messages'] } });
    if (!data) throw new Error(`staff: ${response.status}`);
    return { id: data.id, token: await tokenFor(p.practiceId, data.id, role) };
  });
}

/** The caller's inbox row of a conversation (first page of 20, newest first), or undefined. */
async function rowOf(token: string, conversationId: string, query = ''): Promise<any> {
  const res = await call('GET', `/v1/conversations?limit=20${query}`, { token });
  if (res.status !== 200) throw new Error(`inbox: ${res.status}`);
  return res.body.items.find((c: { id: string }) => c.id === conversationId);
}

/** Polls until every actor's inbox row of the conversation satisfies `ok`; the time it took. */
async function everyInbox(actors: readonly Actor[], conversationId: string, ok: (row: any, actor: Actor) => boolean, ms = 300_000): Promise<number> {
  const began = Date.now();
  const pending = new Set(actors);
  while (pending.size > 0) {
    if (Date.now() - began > ms) throw new Error(`${pending.size} of ${actors.length} inboxes do not show the conversation as expected after ${ms} ms`);
    await inParallel([...pending], 16, async (a) => {
      if (ok(await rowOf(a.token, conversationId), a)) pending.delete(a);
    });
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - began;
}

/** Waits until the stream consumer has written every participant chunk of the conversation (each removes its chunk item); ms since `from`. */
async function fannedOut(practiceId: string, conversationId: string, from: number): Promise<number> {
  await eventually('participant chunks done', () => partition(practiceId, conversationId), (items) => !items.some((i) => i['type'] === 'ParticipantChunk'), 180_000);
  return Date.now() - from;
}

/** Every item left in the conversation's partition. */
async function partition(practiceId: string, conversationId: string): Promise<Record<string, unknown>[]> {
  const out = await dynamo.send(
    new lib.QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.conversationPk(practiceId, conversationId) }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

describe('Participants at scale', () => {
  it('a 500-person conversation: the start and a reply reach every inbox, an archived one comes back unread, a star stays', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patient = await p.patient({ email: `pat-${Date.now()}@example.com` });
    const others = await manyStaff(p, 498);
    const everyone = [receptionist, patient, ...others];

    const began = Date.now();
    const { conversation, message } = await started(receptionist.token, portal([pt(patient), ...others.map(st)]));
    const startMs = Date.now() - began;
    expect(conversation.participants).toHaveLength(500);
    expect(conversation.status).toBe('replied');
    // The patient's deliveries are the send's: the portal message and the notification email.
    expect(message.deliveries.map((d: any) => d.purpose).sort()).toEqual(['message', 'notification']);

    const startFanOutMs = await fannedOut(p.practiceId, conversation.id, began);
    const startInboxMs = await everyInbox(everyone, conversation.id, (row, a) => row?.status === (a === receptionist ? 'replied' : 'unread') && row.participants.length === 500);

    // One archives it, one stars it; then someone else replies.
    const archiver = others[0] as Actor;
    const starrer = others[1] as Actor;
    const author = others[2] as Actor;
    await succeeded('archive', call('PATCH', `/v1/conversations/${conversation.id}`, { token: archiver.token, body: { archived: true } }), 200);
    await succeeded('star', call('PATCH', `/v1/conversations/${conversation.id}`, { token: starrer.token, body: { starred: true } }), 200);
    expect(await rowOf(archiver.token, conversation.id)).toBeUndefined();

    const replyBegan = Date.now();
    const answer = await replied(author.token, conversation.id, 'A reply that every one of the 500 must see as unread.');
    const replyMs = Date.now() - replyBegan;
    const replyFanOutMs = await fannedOut(p.practiceId, conversation.id, replyBegan);
    const replyInboxMs = await everyInbox(
      everyone,
      conversation.id,
      (row, a) => row?.lastMessageAt === answer.createdAt && row.status === (a === author ? 'replied' : 'unread'),
    );
    expect((await rowOf(starrer.token, conversation.id)).starred).toBe(true);
    expect((await rowOf(archiver.token, conversation.id)).status).toBe('unread');
    expect(await rowOf(archiver.token, conversation.id, '&status=archived')).toBeUndefined();
    // The unread filter lists it for a participant whose state the stream wrote.
    expect(await rowOf((others.at(-1) as Actor).token, conversation.id, '&status=unread')).toBeDefined();

    const listed = await messages(patient.token, conversation.id);
    expect(listed.map((m) => m.id)).toEqual([message.id, answer.id]);
    console.log(
      `participants-at-scale: start ${startMs} ms, fan-out done ${startFanOutMs} ms after it, every inbox checked ${startInboxMs} ms later; reply ${replyMs} ms, fan-out done ${replyFanOutMs} ms after it, every inbox checked ${replyInboxMs} ms later`,
    );
  }, 1_200_000);

  it('a role participant expands to the active staff with that role, a snapshot; a patient may address receptionists but not providers', async () => {
    const p = await newPractice();
    const front = [await p.staff('receptionist'), await p.staff('receptionist')];
    const leaver = await p.staff('receptionist');
    await succeeded('inactive', call('PATCH', `/v1/staff/${leaver.id}`, { token: p.admin.token, body: { status: 'inactive' } }), 200);
    const biller = await p.staff('biller');
    const provider = await p.staff('provider');
    const patient = await p.patient();

    const { conversation } = await started(patient.token, portal([{ type: 'role', role: 'receptionist' }]));
    const ids = conversation.participants.map((x: { id: string }) => x.id).sort();
    expect(ids).toEqual([patient.id, ...front.map((f) => f.id)].sort());
    expect(ids).not.toContain(leaver.id);
    expect(ids).not.toContain(biller.id);

    // Later hires are not added.
    const hire = await p.staff('receptionist');
    const view = await succeeded('view', call('GET', `/v1/conversations/${conversation.id}`, { token: patient.token }), 200);
    expect(view.participants.map((x: { id: string }) => x.id)).not.toContain(hire.id);

    // The start rules apply to the people a role stands for.
    expectProblem(await start(patient.token, portal([{ type: 'role', role: 'provider' }])), 403, 'conversation_rule');
    // Staff may name roles and people together; each person once.
    const both = await started(provider.token, portal([{ type: 'role', role: 'biller' }, st(biller), { type: 'role', role: 'receptionist' }]));
    expect(both.conversation.participants.map((x: { id: string }) => x.id).sort()).toEqual([provider.id, biller.id, ...front.map((f) => f.id), hire.id].sort());
    // An unknown role is refused by the schema.
    expectProblem(await start(patient.token, portal([{ type: 'role', role: 'janitor' }])), 400, 'validation_failed');
  }, 120_000);

  it('deliveries beyond one transaction follow through the stream: 60 patients on portal, each gets the message, a notification email and a correspondence pointer', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const patients = await inParallel(Array.from({ length: 60 }, (_, i) => i), 8, (i) => p.patient({ email: `scale-${i}-${Date.now()}@example.com` }));
    const { conversation, message } = await started(receptionist.token, portal(patients.map(pt)));
    expect(message.deliveries).toHaveLength(120);
    await fannedOut(p.practiceId, conversation.id, Date.now());

    const [stored] = await messages(receptionist.token, conversation.id);
    expect(stored.deliveries).toHaveLength(120);
    const last = patients.at(-1) as (typeof patients)[number];
    expect(stored.deliveries.filter((d: any) => d.recipient.id === last.id).map((d: any) => d.purpose).sort()).toEqual(['message', 'notification']);
    // The patient sees their own deliveries only, and the message is in their correspondence.
    const [seen] = await messages(last.token, conversation.id);
    expect(seen.deliveries.map((d: any) => d.recipient.id)).toEqual([last.id, last.id]);
    const correspondence = await succeeded('correspondence', call('GET', `/v1/patients/${last.id}/correspondence`, { token: receptionist.token }), 200);
    expect(correspondence.items.map((m: { id: string }) => m.id)).toContain(message.id);
    // The notification email written by the stream is sent like any other.
    await eventually('notification sent', () => messages(receptionist.token, conversation.id), ([m]) =>
      m.deliveries.filter((d: any) => d.recipient.id === last.id && d.purpose === 'notification').every((d: any) => d.status !== 'queued'), 120_000);
  }, 600_000);

  it('deleting a large conversation leaves no participant state, message or chunk behind', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const others = await manyStaff(p, 59);
    const { conversation } = await started(receptionist.token, portal(others.map(st)));
    await replied(receptionist.token, conversation.id, 'A second message before the delete.');
    await everyInbox(others, conversation.id, (row) => row?.status === 'unread' && row.lastMessageAt !== row.createdAt);

    const res = await call('DELETE', `/v1/conversations/${conversation.id}`, { token: receptionist.token });
    expect(res.status).toBe(204);
    expect(await partition(p.practiceId, conversation.id)).toEqual([]);
    for (const a of others.slice(0, 10)) expect(await rowOf(a.token, conversation.id)).toBeUndefined();
  }, 300_000);

  it('a delete while the stream is held back: the chunks find the conversation gone and write nothing', async () => {
    const p = await newPractice();
    const receptionist = await p.staff('receptionist');
    const others = await manyStaff(p, 30);
    await call('POST', '/dev/stream', { body: { paused: true } });
    let conversationId: string;
    try {
      const { conversation } = await started(receptionist.token, portal(others.map(st)));
      conversationId = conversation.id;
      expect((await call('DELETE', `/v1/conversations/${conversation.id}`, { token: receptionist.token })).status).toBe(204);
    } finally {
      await call('POST', '/dev/stream', { body: { paused: false } });
    }
    // Give the chunks their run, then nothing may be there.
    const probe = await started(receptionist.token, portal(others.map(st)));
    await everyInbox(others, probe.conversation.id, (row) => row?.status === 'unread');
    expect(await partition(p.practiceId, conversationId)).toEqual([]);
  }, 300_000);
});
