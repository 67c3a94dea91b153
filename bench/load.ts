/**
 * `npm run bench -- load [--seconds N | --quick]`: many clients at once against the local runtime.
 *
 * Two runs of CLIENTS clients for the same duration: **shared**, where a third of them reply into
 * one shared conversation and the rest each reply into their own conversation and read
 * their inbox (every other request); and **spread**, the same mix with no shared conversation
 * (the third replies into conversations of their own). Counted per run: answers by status
 * (0 × 5xx is the bar; 429 conversation_busy is allowed and counted), throughput, reply
 * latency p50/p99, and afterwards every 201 reply found in its conversation's message list
 * (paged to the end). The figure is shared ÷ spread for throughput and p99.
 */
import { ulid } from 'ulid';
import { startLocal, type LocalRuntime } from '../lib/local/runtime.js';
import { apiClient, expectStatus, type Call } from './api.js';
import { describeMachine } from './machine.js';
import { num, percentile, table } from './stats.js';

const CLIENTS = 50;
/** Portal bodies count at least 10 characters. */
const body = (i: number) => `Load test reply number ${i}`;

interface Client {
  token: string;
  /** The conversation this client replies into. */
  conversationId: string;
  /** Reads its inbox every other request. */
  readsInbox: boolean;
}

export interface LoadRun {
  name: string;
  /** The run's duration, and the wall time until its last answer. */
  duration: number;
  seconds: number;
  requests: number;
  byStatus: Record<string, number>;
  replies: number;
  replyMs: number[];
  inboxMs: number[];
  created: Map<string, Set<string>>;
  missing: number;
}

type Sign = (claims: { practiceId: string; sub: string; role: string }) => Promise<string>;

async function setUp(call: Call, sign: Sign, shared: boolean): Promise<Client[]> {
  const practiceId = `load-${ulid().toLowerCase()}`;
  const admin = await sign({ practiceId, sub: 'admin-root', role: 'admin' });
  const person = async (path: '/v1/staff' | '/v1/patients', extra: Record<string, unknown>, role: string) => {
    const res = await call('POST', path, { token: admin, body: { name: `Load ${role} ${ulid().slice(-6)}`, ...extra } });
    expectStatus(res, 201, `create ${role}`);
    return { id: res.body.id as string, token: await sign({ practiceId, sub: res.body.id, role }) };
  };
  const staff = () => person('/v1/staff', { role: 'receptionist', permissions: ['send_messages'] }, 'receptionist');
  const patient = () => person('/v1/patients', { status: 'active' }, 'patient');
  const start = async (token: string, patients: string[], kind: 'direct') => {
    const res = await call('POST', '/v1/conversations', {
      token,
      body: { kind, channel: 'portal', subject: 'Load', body: body(0), participants: patients.map((id) => ({ type: 'patient', id })) },
    });
    expectStatus(res, 201, 'start');
    return res.body.conversation.id as string;
  };

  const third = Math.round(CLIENTS / 3);
  const clients: Client[] = [];
  if (shared) {
    // One conversation (a receptionist and a patient, as every other client's), both writing into it.
    const [receptionist, p] = await Promise.all([staff(), patient()]);
    const id = await start(receptionist.token, [p.id], 'direct');
    for (let i = 0; i < third; i++) clients.push({ token: (i % 2 ? p : receptionist).token, conversationId: id, readsInbox: false });
  }
  for (let i = clients.length; i < CLIENTS; i++) {
    const [receptionist, p] = await Promise.all([staff(), patient()]);
    clients.push({ token: receptionist.token, conversationId: await start(receptionist.token, [p.id], 'direct'), readsInbox: i >= third });
  }
  return clients;
}

async function drive(call: Call, clients: Client[], seconds: number, name: string): Promise<LoadRun> {
  const started = Date.now();
  const run: LoadRun = { name, duration: seconds, seconds, requests: 0, byStatus: {}, replies: 0, replyMs: [], inboxMs: [], created: new Map(), missing: 0 };
  const end = Date.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    clients.map(async (client) => {
      for (let turn = 0; Date.now() < end; turn++) {
        const inbox = client.readsInbox && turn % 2 === 1;
        const res = inbox
          ? await call('GET', '/v1/conversations?limit=25', { token: client.token })
          : await call('POST', `/v1/conversations/${client.conversationId}/messages`, { token: client.token, body: { body: body(++n) } });
        run.requests++;
        run.byStatus[res.status] = (run.byStatus[res.status] ?? 0) + 1;
        if (inbox) {
          run.inboxMs.push(res.ms);
          continue;
        }
        run.replies++;
        run.replyMs.push(res.ms);
        if (res.status === 201) {
          const ids = run.created.get(client.conversationId) ?? new Set<string>();
          ids.add(res.body.id as string);
          run.created.set(client.conversationId, ids);
        }
      }
    }),
  );
  // Requests in flight at the end are waited for and counted: throughput is over the time until the last answer.
  run.seconds = (Date.now() - started) / 1000;
  // Every 201 listed afterwards: each conversation's messages, paged to the end.
  const reader = new Map(clients.map((c) => [c.conversationId, c.token]));
  for (const [conversationId, ids] of run.created) {
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null }; ms: number } = await call('GET', `/v1/conversations/${conversationId}/messages?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token: reader.get(conversationId)!,
      });
      expectStatus(page, 200, 'list messages');
      for (const m of page.body.items) listed.add(m.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    for (const id of ids) if (!listed.has(id)) run.missing++;
  }
  return run;
}

const count5xx = (r: LoadRun) => Object.entries(r.byStatus).filter(([s]) => Number(s) >= 500).reduce((a, [, v]) => a + v, 0);

export async function runLoad(seconds: number, progress: (line: string) => void): Promise<{ markdown: string; ok: boolean }> {
  const machine = describeMachine();
  const date = new Date().toISOString();
  let runtime: LocalRuntime | undefined;
  try {
    runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR' });
    const call = apiClient(runtime.url);
    const sign: Sign = (claims) => runtime!.issuer.sign(claims);
    const runs: LoadRun[] = [];
    for (const shared of [true, false]) {
      const name = shared ? 'shared (a third into one conversation)' : 'spread (no shared conversation)';
      progress(`load: setting up ${CLIENTS} clients, ${name}`);
      const clients = await setUp(call, sign, shared);
      progress(`load: ${CLIENTS} clients for ${seconds} s, ${name}`);
      const run = await drive(call, clients, seconds, name);
      progress(`load: ${run.requests} requests, ${JSON.stringify(run.byStatus)}, ${run.missing} of the 201s not listed`);
      runs.push(run);
    }
    const ok = runs.every((r) => count5xx(r) === 0 && r.missing === 0);
    return { markdown: report(machine, date, runs), ok };
  } finally {
    await runtime?.stop();
  }
}

function report(machine: ReturnType<typeof describeMachine>, date: string, runs: LoadRun[]): string {
  const throughput = (r: LoadRun) => r.requests / r.seconds;
  const rows = runs.map((r) => [
    r.name,
    String(r.requests),
    Object.entries(r.byStatus).map(([s, v]) => `${s}: ${v}`).join(', '),
    String(count5xx(r)),
    num(throughput(r), 1),
    num(percentile(r.replyMs, 50), 0),
    num(percentile(r.replyMs, 99), 0),
    num(percentile(r.inboxMs, 99), 0),
    `${[...r.created.values()].reduce((a, s) => a + s.size, 0) - r.missing} of ${[...r.created.values()].reduce((a, s) => a + s.size, 0)}`,
  ]);
  const [shared, spread] = runs as [LoadRun, LoadRun];
  return [
    `## Load run ${date.slice(0, 10)}`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}. ${CLIENTS} clients for ${shared.duration} s per run ` +
      'against the local runtime (DynamoDB Local in memory, the stream poller and dispatcher in the same process). In the shared run a third of the clients ' +
      'reply into one conversation (its receptionist and its patient writing in turn); the other clients each reply into their own conversation (a ' +
      'receptionist and a patient) and read their inbox every other request. The spread run is the same mix with every client in a conversation of its own. ' +
      'Requests/s is over the wall time until the last answer (requests in flight at the end are waited for).',
    '',
    table(['Run', 'Requests', 'Answers by status', '5xx', 'Requests/s', 'Reply p50 ms', 'Reply p99 ms', 'Inbox p99 ms', '201 replies listed afterwards'], rows),
    '',
    `**Shared ÷ spread: throughput ${num(throughput(shared) / throughput(spread), 2)}, reply p99 ${num(percentile(shared.replyMs, 99) / percentile(spread.replyMs, 99), 2)}.**`,
    '',
  ].join('\n');
}

/** `--seconds N` (default 60) or `--quick` (10 s) from the command line. */
export function loadSeconds(argv: readonly string[]): number {
  if (argv.includes('--quick')) return 10;
  const i = argv.indexOf('--seconds');
  const n = i >= 0 ? Number(argv[i + 1]) : 60;
  if (!Number.isFinite(n) || n <= 0) throw new Error('--seconds takes a positive number');
  return n;
}
