/**
 * `npm run bench -- participants`: a start and a reply in a 500-person conversation (one patient,
 * 498 staff, the starter) on the local runtime: the API call's latency, DynamoDB calls and
 * capacity units; the stream's fan-out (participant chunks) until its last chunk is done, with
 * its calls and units; and the time until every one of the 500 inboxes shows the message. Also
 * a reply in a two-party conversation (slim participant states). Prints markdown.
 *
 * Knobs (environment): PARTICIPANTS (500), PARTICIPANTS_REPLIES (20, two-party replies).
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { startLocal } from '../lib/local/runtime.js';
import { apiClient, expectStatus, type Call } from './api.js';
import { describeMachine } from './machine.js';
import { breakdown, num, total } from './stats.js';

const PEOPLE = Number(process.env['PARTICIPANTS'] ?? 500);
const PAIR_REPLIES = Number(process.env['PARTICIPANTS_REPLIES'] ?? 20);
const progress = (line: string) => process.stderr.write(`[participants ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

type Stats = { calls: Record<string, number>; capacityUnits: Record<string, number> };
const minus = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
const delta = (after: Stats, before: Stats): Stats => ({ calls: minus(after.calls, before.calls), capacityUnits: minus(after.capacityUnits, before.capacityUnits) });
const describe = (s: Stats, per = 1) => `${num(total(s.calls) / per)} calls (${breakdown(s.calls, per)}); ${num(total(s.capacityUnits) / per)} units (${breakdown(s.capacityUnits, per)})`;

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

export async function runParticipants(): Promise<{ markdown: string; ok: boolean }> {
  const machine = describeMachine();
  progress('starting the local runtime');
  const runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR' });
  // Not instrumented: the bench's own reads of the partition are not counted.
  const raw = new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const { countConsumedCapacity, dynamoCallStats } = await import('../lambdas/adapters/dynamo/client.js');
    countConsumedCapacity();
    const { keys } = await import('../lambdas/adapters/dynamo/keys.js');
    const call: Call = apiClient(runtime.url);
    const practiceId = `bench-${ulid().toLowerCase()}`;
    const sign = (sub: string, role: string) => runtime.issuer.sign({ practiceId, sub, role });
    const admin = await sign('admin-root', 'admin');
    const roles = ['receptionist', 'biller', 'provider', 'admin'];
    const person = async (i: number) => {
      const role = roles[i % roles.length] as string;
      const res = await call('POST', '/v1/staff', { token: admin, body: { name: `Member ${i}`, role, permissions: ['send_messages'] } });
      expectStatus(res, 201, 'staff');
      return { id: res.body.id as string, token: await sign(res.body.id, role) };
    };
    progress(`creating ${PEOPLE - 2} staff members and a patient`);
    const starter = await person(0);
    const patientRes = await call('POST', '/v1/patients', { token: admin, body: { name: 'Bench Patient', status: 'active', email: 'bench-patient@example.com' } });
    expectStatus(patientRes, 201, 'patient');
    const patient = { id: patientRes.body.id as string, token: await sign(patientRes.body.id, 'patient') };
    const staff: { id: string; token: string }[] = [];
    await inParallel(Array.from({ length: PEOPLE - 2 }, (_, i) => i + 1), 12, async (i) => void staff.push(await person(i)));
    const everyone = [starter, patient, ...staff];

    const chunksLeft = async (conversationId: string) => {
      const out = await raw.send(new QueryCommand({
        TableName: runtime.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
        ExpressionAttributeValues: { ':pk': { S: keys.conversationPk(practiceId, conversationId) }, ':f': { S: 'FANOUT#' } },
        ConsistentRead: true,
        Select: 'COUNT',
      }));
      return out.Count ?? 0;
    };
    const shows = async (token: string, conversationId: string, at: string) => {
      const res = await call('GET', '/v1/conversations?limit=10', { token });
      return (res.body.items as { id: string; lastMessageAt: string }[]).some((c) => c.id === conversationId && c.lastMessageAt === at);
    };
    /** One send, then: its fan-out (until no chunk is left) and every inbox showing it. */
    const measure = async (what: string, send: () => Promise<{ conversationId: string; at: string; ms: number }>) => {
      const before = dynamoCallStats();
      const t0 = performance.now();
      const { conversationId, at, ms } = await send();
      const afterRequest = dynamoCallStats();
      while ((await chunksLeft(conversationId)) > 0) await new Promise((r) => setTimeout(r, 25));
      const fanOutMs = performance.now() - t0;
      const afterFanOut = dynamoCallStats();
      progress(`${what}: API ${num(ms)} ms, fan-out done after ${num(fanOutMs)} ms; checking ${everyone.length} inboxes`);
      let pending = everyone;
      while (pending.length > 0) {
        const left: typeof pending = [];
        await inParallel(pending, 16, async (a) => void (!(await shows(a.token, conversationId, at)) && left.push(a)));
        pending = left;
      }
      const everyInboxMs = performance.now() - t0;
      return { what, ms, fanOutMs, everyInboxMs, request: delta(afterRequest, before), fanOut: delta(afterFanOut, afterRequest) };
    };

    progress(`start: ${PEOPLE} participants`);
    const startRow = await measure('start', async () => {
      const res = await call('POST', '/v1/conversations', {
        token: starter.token,
        body: { channel: 'portal', subject: 'Everyone', body: 'A message to every one of the participants.', participants: [{ type: 'patient', id: patient.id }, ...staff.map((s) => ({ type: 'staff', id: s.id }))] },
      });
      expectStatus(res, 201, 'start');
      return { conversationId: res.body.conversation.id, at: res.body.message.createdAt, ms: res.ms };
    });
    const conversationId = (await call('GET', '/v1/conversations?limit=1', { token: starter.token })).body.items[0].id as string;
    progress('reply into it');
    const replyRow = await measure('reply', async () => {
      const res = await call('POST', `/v1/conversations/${conversationId}/messages`, { token: (staff[3] as { token: string }).token, body: { body: 'A reply every participant sees as unread.' } });
      expectStatus(res, 201, 'reply');
      return { conversationId, at: res.body.createdAt, ms: res.ms };
    });

    progress(`two-party conversation: ${PAIR_REPLIES} replies`);
    const pair = await call('POST', '/v1/conversations', {
      token: starter.token,
      body: { channel: 'portal', subject: 'Just us', body: 'A message between two people.', participants: [{ type: 'patient', id: patient.id }] },
    });
    expectStatus(pair, 201, 'pair start');
    await new Promise((r) => setTimeout(r, 500));
    const pairBefore = dynamoCallStats();
    const pairMs: number[] = [];
    for (let i = 0; i < PAIR_REPLIES; i++) {
      const res = await call('POST', `/v1/conversations/${pair.body.conversation.id}/messages`, { token: starter.token, body: { body: `Two-party reply number ${i}.` } });
      expectStatus(res, 201, 'pair reply');
      pairMs.push(res.ms);
    }
    const pairStats = delta(dynamoCallStats(), pairBefore);
    pairMs.sort((a, b) => a - b);

    const rows = [startRow, replyRow].map(
      (r) => `| ${r.what} | ${num(r.ms)} | ${describe(r.request)} | ${num(r.fanOutMs)} | ${describe(r.fanOut)} | ${num(r.everyInboxMs)} |`,
    );
    const markdown = [
      `### Participants at scale (${PEOPLE} people; ${new Date().toISOString()}; ${machine.cpuModel}, ${machine.nproc} CPUs, Node ${machine.node})`,
      '',
      '| send | API ms | DynamoDB in the API call | fan-out done (ms from send) | DynamoDB of the fan-out (and the dispatcher meanwhile) | every inbox shows it (ms from send) |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      `Two-party reply (slim states), ${PAIR_REPLIES} replies: p50 ${num(pairMs[Math.floor(pairMs.length / 2)] ?? 0)} ms; per reply ${describe(pairStats, PAIR_REPLIES)} (API and the stream's dispatcher together).`,
    ].join('\n');
    return { markdown, ok: true };
  } finally {
    await runtime.stop();
  }
}
