/**
 * Broadcasts over SMS to N patients with distinct phones, from POST to `done`, next to a floor
 * measured in the same run: a bare loop that writes one delivery and one status update per
 * recipient against the same DynamoDB Local, as many at once as the delivery queue's consumer
 * (5). Patients, their group and its members are seeded with BatchWriteItem directly (not
 * counted); the audience is the group (`audience.groupIds`), so the POST is the same request at
 * any size. The status is polled with a separate, uncounted DynamoDB client.
 *
 * `npm run bench -- broadcasts` runs this alone (BENCH_BROADCASTS, default "1000,10000";
 * `BENCH_BROADCASTS=100000` once for the largest); the main `npm run bench` calls measureBroadcast.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { expectStatus } from './api.js';
import { describeMachine } from './machine.js';
import type { Harness } from './send-path.js';
import { localHarness, settle } from './send-path.js';
import { breakdown, diff, num, table, total, type CallStats } from './stats.js';

type Keys = typeof import('../lambdas/adapters/dynamo/keys.js')['keys'];

export interface BroadcastEnv {
  practiceId: string;
  staffToken: string;
  dynamoEndpoint: string;
  tableName: string;
  /** The table's keys, imported after the runtime set the environment. */
  keys?: Keys;
  /** Unused since seeding is BatchWriteItem (kept for callers that still pass it). */
  createPatient?: (practiceId: string, patient: Record<string, unknown>) => Promise<void>;
  broadcastKey: (practiceId: string, id: string) => { pk: string; sk: string };
}

export interface Floor {
  ms: number;
  calls: number;
  capacityUnits: number;
}

export interface BroadcastResult {
  recipients: number;
  setupMs: number;
  /** POST /v1/broadcasts/preview of the same audience (every person resolved, nothing written). */
  previewMs: number;
  /** Set when the preview did not answer 200 (past the function's timeout). */
  previewFailed?: string;
  apiMs: number;
  /** The POST's own DynamoDB calls (stream paused while it ran). */
  api: CallStats;
  /** Everything from the POST to done: the API call, preparation, fan-out and the dispatcher. */
  all: CallStats;
  /** From the POST until the audience was resolved (status no longer `preparing`). */
  preparedMs: number | null;
  toDoneMs: number;
  providerCalls: number;
  counts: Record<string, number> | null;
  status: string;
  floor?: Floor;
  /** Set when the run was cut at its deadline. */
  cut?: string;
}

const rawDocumentClient = (endpoint: string) =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));

async function inParallel<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await run(items[i] as T);
    }),
  );
}

async function batchWrite(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inParallel(batches, 8, async (batch) => {
    let left: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; left && left.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: left } }));
      left = out.UnprocessedItems?.[tableName] as typeof left;
    }
  });
}

/** Distinct, well-formed US numbers: +1 212 2xx xxxx, one per recipient (offset keeps runs apart). */
const phoneOf = (offset: number, i: number) => `+1212${String(2_000_000 + offset + i)}`;

/** N patients in one group: the patient items, the group (with its member counter) and its member items. */
async function seedGroup(doc: DynamoDBDocumentClient, env: BroadcastEnv, keys: Keys, n: number, offset: number): Promise<string> {
  const at = new Date().toISOString();
  const groupId = ulid();
  const p = env.practiceId;
  const items: Record<string, unknown>[] = [
    { ...keys.group(p, groupId), ...keys.groupByName(p, `Bench ${n}`, groupId), type: 'Group', id: groupId, name: `Bench ${n}`, memberCount: n, createdAt: at, updatedAt: at },
  ];
  for (let i = 0; i < n; i++) {
    const id = ulid();
    const name = `Bench Patient ${offset + i}`;
    items.push(
      // Only what a broadcast reads (no name index, search tokens or reverse links): seeding is not measured.
      { ...keys.patient(p, id), type: 'Patient', id, name, phone: phoneOf(offset, i), status: 'active', createdAt: at, updatedAt: at },
      { ...keys.groupMember(p, groupId, 'patient', id), type: 'GroupMember', groupId, memberType: 'patient', memberId: id },
    );
  }
  await batchWrite(doc, env.tableName, items);
  return groupId;
}

/**
 * The floor: per recipient, one PutItem of a delivery item and one UpdateItem of its status, 5 at
 * once (the delivery consumer's concurrency), with the client's ReturnConsumedCapacity.
 */
export async function measureFloor(dynamoEndpoint: string, tableName: string, practiceId: string, n: number): Promise<Floor> {
  const doc = rawDocumentClient(dynamoEndpoint);
  const run = ulid();
  let capacityUnits = 0;
  const started = performance.now();
  try {
    await inParallel(
      Array.from({ length: n }, (_, i) => i),
      5,
      async (i) => {
        const key = { pk: `P#${practiceId}#FLOOR#${run}#${i}`, sk: 'DLV#000' };
        const put = await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, type: 'FloorDelivery', channel: 'sms', address: phoneOf(9_000_000, i % 100_000), status: 'queued', createdAt: new Date().toISOString() },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        const update = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET #s = :sent, sentAt = :at',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':at': new Date().toISOString() },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        capacityUnits += (put.ConsumedCapacity?.CapacityUnits ?? 0) + (update.ConsumedCapacity?.CapacityUnits ?? 0);
      },
    );
    return { ms: performance.now() - started, calls: 2 * n, capacityUnits };
  } finally {
    doc.destroy();
  }
}

/** The group of N patients both measurements start from, seeded (timed, not counted) and settled. */
async function seeded(h: Harness, doc: DynamoDBDocumentClient, env: BroadcastEnv, recipients: number, phoneOffset: number): Promise<{ groupId: string; setupMs: number }> {
  const keys = env.keys ?? (await import('../lambdas/adapters/dynamo/keys.js')).keys;
  const started = performance.now();
  const groupId = await seedGroup(doc, env, keys, recipients, phoneOffset);
  const setupMs = performance.now() - started;
  await settle(h, 300);
  return { groupId, setupMs };
}

/** The preview alone (BENCH_PREVIEW_ONLY=1): seeded as for a broadcast, previewed `rounds` times, nothing sent. */
export interface PreviewResult {
  recipients: number;
  setupMs: number;
  ms: number[];
  statuses: number[];
  calls: CallStats;
}

export async function measurePreview(h: Harness, env: BroadcastEnv, recipients: number, phoneOffset: number, rounds = 3): Promise<PreviewResult> {
  const doc = rawDocumentClient(env.dynamoEndpoint);
  try {
    const { groupId, setupMs } = await seeded(h, doc, env, recipients, phoneOffset);
    const ms: number[] = [];
    const statuses: number[] = [];
    // The stream poller, delivery queue and sweeper held: the counts are the previews' own.
    await h.call('POST', '/dev/stream', { body: { paused: true, deliveries: true } });
    try {
      const before = h.stats();
      for (let i = 0; i < rounds; i++) {
        const preview = await h.call('POST', '/v1/broadcasts/preview', { token: env.staffToken, body: { channel: 'sms', audience: { groupIds: [groupId] } } });
        ms.push(preview.ms);
        statuses.push(preview.status);
        if (preview.status === 200 && preview.body.recipients !== recipients) throw new Error(`preview: expected ${recipients} recipients, got ${preview.body.recipients}`);
      }
      return { recipients, setupMs, ms, statuses, calls: diff(h.stats(), before) };
    } finally {
      await h.call('POST', '/dev/stream', { body: { paused: false } });
    }
  } finally {
    doc.destroy();
  }
}

export async function measureBroadcast(h: Harness, env: BroadcastEnv, recipients: number, phoneOffset: number, deadlineMs: number): Promise<BroadcastResult> {
  const doc = rawDocumentClient(env.dynamoEndpoint);
  try {
    const { groupId, setupMs } = await seeded(h, doc, env, recipients, phoneOffset);
    // Measured alone, like the POST: the stream poller (still reading the seeding's records), the delivery queue and the sweeper held.
    await h.call('POST', '/dev/stream', { body: { paused: true, deliveries: true } });
    const preview = await h
      .call('POST', '/v1/broadcasts/preview', { token: env.staffToken, body: { channel: 'sms', audience: { groupIds: [groupId] } } })
      .finally(() => h.call('POST', '/dev/stream', { body: { paused: false } }));
    // A preview past the function's timeout (30 s, as API Gateway's) answers 500: reported, and the broadcast is still measured.
    const previewFailed = preview.status !== 200 ? `preview answered ${preview.status} after ${Math.round(preview.ms)} ms` : undefined;
    if (!previewFailed && preview.body.recipients !== recipients) throw new Error(`preview: expected ${recipients} recipients, got ${preview.body.recipients}`);
    await settle(h, 300);

    await h.call('POST', '/dev/stream', { body: { paused: true } });
    const outboxBefore = h.outboxCount();
    const before = h.stats();
    const started = performance.now();
    let post;
    let api: CallStats;
    try {
      post = await h.call('POST', '/v1/broadcasts', {
        token: env.staffToken,
        body: { channel: 'sms', body: 'The practice is closed on Friday. Reply to book another day.', audience: { groupIds: [groupId] } },
      });
      api = diff(h.stats(), before);
    } finally {
      await h.call('POST', '/dev/stream', { body: { paused: false } });
    }
    expectStatus(post, 202, `POST /v1/broadcasts (${recipients})`);

    const key = env.broadcastKey(env.practiceId, post.body.id as string);
    let status = 'preparing';
    let counts: Record<string, number> | null = null;
    let preparedMs: number | null = null;
    let cut: string | undefined;
    for (;;) {
      const out = await doc.send(new GetCommand({ TableName: env.tableName, Key: key, ConsistentRead: true }));
      status = (out.Item?.['status'] as string | undefined) ?? 'missing';
      counts = { ...((out.Item?.['counts'] as Record<string, number> | undefined) ?? {}) };
      if (status !== 'preparing' && preparedMs === null) preparedMs = performance.now() - started;
      if (status === 'done') break;
      if (performance.now() - started > deadlineMs) {
        const settled = (counts['sent'] ?? 0) + (counts['failed'] ?? 0) + (counts['blocked'] ?? 0) + (counts['suppressed'] ?? 0);
        cut = `cut after ${Math.round(deadlineMs / 60_000)} min: ${settled} of ${recipients} settled`;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const toDoneMs = performance.now() - started;
    if (!cut) await settle(h, 500);
    const all = diff(h.stats(), before);
    const sent = counts?.['sent'] ?? 0;
    if (!cut && sent !== recipients) throw new Error(`expected ${recipients} sent, got ${JSON.stringify(counts)}`);
    return { recipients, setupMs, previewMs: preview.ms, ...(previewFailed ? { previewFailed } : {}), apiMs: post.ms, api, all, preparedMs, toDoneMs, providerCalls: h.outboxCount() - outboxBefore, counts, status, ...(cut ? { cut } : {}) };
  } finally {
    doc.destroy();
  }
}

/** The markdown table of broadcast results next to their floors. */
export function broadcastTable(results: readonly BroadcastResult[]): string {
  return table(
    ['Recipients', 'preview ms', 'POST ms', "POST's DynamoDB calls", 'POST → resolved', 'POST → done', 'floor (bare loop)', 'done ÷ floor', 'calls / recipient', 'by command', 'capacity units / recipient', 'floor CU / recipient', 'provider calls / recipient'],
    results.map((b) => {
      const settled = b.cut ? Math.max(1, (b.counts?.['sent'] ?? 0) + (b.counts?.['failed'] ?? 0)) : b.recipients;
      return [
        String(b.recipients),
        b.previewFailed ? `**${b.previewFailed}**` : num(b.previewMs, 0),
        num(b.apiMs, 0),
        `${total(b.api.calls)} (${breakdown(b.api.calls, 1)})`,
        b.preparedMs === null ? 'n/a' : `${num(b.preparedMs / 1000, 1)} s`,
        b.cut ? `**${b.cut}**` : `${num(b.toDoneMs / 1000, 1)} s (${num(b.recipients / (b.toDoneMs / 1000), 0)}/s)`,
        b.floor ? `${num(b.floor.ms / 1000, 1)} s` : 'n/a',
        b.floor && !b.cut ? `**${num(b.toDoneMs / b.floor.ms)}**` : 'n/a',
        num(total(b.all.calls) / settled),
        breakdown(b.all.calls, settled),
        `${num(total(b.all.capacityUnits) / settled)} (${breakdown(b.all.capacityUnits, settled)})`,
        b.floor ? num(b.floor.capacityUnits / b.recipients) : 'n/a',
        num(b.providerCalls / settled),
      ];
    }),
  );
}

const progress = (line: string) => process.stderr.write(`[bench broadcasts ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** `npm run bench -- broadcasts`: its own local runtime, each size and its floor, markdown out. */
export async function runBroadcasts(): Promise<{ markdown: string; ok: boolean }> {
  const sizes = (process.env['BENCH_BROADCASTS'] ?? '1000,10000').split(',').filter(Boolean).map(Number);
  const deadlineMs = Number(process.env['BENCH_DEADLINE_MINUTES'] ?? 30) * 60_000;
  const machine = describeMachine();
  const { startLocal } = await import('../lib/local/runtime.js');
  progress('starting the local runtime');
  // The production delivery lease (5 min; the local default of 10 s is for tests): a blast's deliveries wait in the queue longer than 10 s.
  const runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR', deliveryLeaseSeconds: 300 });
  try {
    const h = await localHarness(runtime.url);
    const { call } = h;
    const { keys } = await import('../lambdas/adapters/dynamo/keys.js');
    const practiceId = `bench-${ulid().toLowerCase()}`;
    const adminToken = await runtime.issuer.sign({ practiceId, sub: 'admin-root', role: 'admin' });
    const staffRes = await call('POST', '/v1/staff', { token: adminToken, body: { name: 'Bench Receptionist', role: 'receptionist', permissions: ['send_messages'] } });
    expectStatus(staffRes, 201, 'create staff');
    const staffToken = await runtime.issuer.sign({ practiceId, sub: staffRes.body.id, role: 'receptionist' });
    const env: BroadcastEnv = { practiceId, staffToken, dynamoEndpoint: runtime.endpoints.dynamodb, tableName: runtime.tableName, keys, broadcastKey: keys.broadcast };
    const results: BroadcastResult[] = [];
    let offset = 0;
    if (process.env['BENCH_PREVIEW_ONLY']) {
      const rows: string[][] = [];
      for (const n of sizes) {
        progress(`seeding ${n} patients in one group (BatchWriteItem), then 3 previews`);
        const r = await measurePreview(h, env, n, offset);
        offset += n;
        const sorted = [...r.ms].sort((a, b) => a - b);
        rows.push([String(n), r.ms.map((m) => num(m, 0)).join(', '), num(sorted[Math.floor(sorted.length / 2)] ?? 0, 0), r.statuses.join(', '), num(total(r.calls.calls) / r.ms.length, 0), breakdown(r.calls.calls, r.ms.length)]);
        progress(`preview of ${n}: ${r.ms.map((m) => num(m, 0)).join(', ')} ms (${r.statuses.join(', ')})`);
      }
      return {
        markdown: [`## Broadcast preview (${new Date().toISOString()}, ${machine.cpuModel}, ${machine.nproc} CPUs, Node ${machine.node})`, '', table(['Recipients', 'ms (each)', 'p50 ms', 'status', 'DynamoDB calls / preview', 'by command'], rows)].join('\n'),
        ok: true,
      };
    }
    for (const n of sizes) {
      progress(`seeding ${n} patients in one group (BatchWriteItem)`);
      const r = await measureBroadcast(h, env, n, offset, deadlineMs);
      offset += n;
      progress(`broadcast to ${n}: POST ${num(r.apiMs, 0)} ms, ${r.cut ?? `done in ${num(r.toDoneMs / 1000, 1)} s`} (seeded in ${num(r.setupMs / 1000, 1)} s)`);
      // A cut run has no time to done to compare: its floor (as long again) is not measured.
      if (!r.cut) {
        progress(`floor for ${n}: one delivery put and one status update per recipient, 5 at once`);
        r.floor = await measureFloor(runtime.endpoints.dynamodb, runtime.tableName, practiceId, n);
        progress(`floor for ${n}: ${num(r.floor.ms / 1000, 1)} s`);
      }
      results.push(r);
      // Each row as soon as it is measured (a long run can be stopped and keep what it has).
      progress(`row:\n${broadcastTable([r])}`);
      if (r.cut) break;
    }
    const markdown = [
      `## Broadcasts (${new Date().toISOString()}, ${machine.cpuModel}, ${machine.nproc} CPUs, Node ${machine.node})`,
      '',
      broadcastTable(results),
      '',
      'Audience: one group of N patients with distinct SMS numbers (seeded with BatchWriteItem, not counted). "POST → resolved": until the broadcast ' +
        'left `preparing` (every chunk resolved and written); "POST → done": until every delivery settled. Calls and capacity units per recipient ' +
        'count every DynamoDB call of the API, the broadcast consumer and the dispatcher from the POST to done (DynamoDB Local\'s ' +
        '`ReturnConsumedCapacity: TOTAL`). Floor: a bare loop of one PutItem (a delivery) and one UpdateItem (its status) per recipient, 5 at once, ' +
        'against the same DynamoDB Local in the same run.',
    ].join('\n');
    return { markdown, ok: results.every((r) => !r.cut) };
  } finally {
    await runtime.stop();
  }
}
