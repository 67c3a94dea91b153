/**
 * A broadcast over SMS to N patients with distinct phones, from POST to `done`. Patients are
 * created in-process through the repository (`DynamoDirectoryRepository.createPatient`, the
 * same TransactWriteItems the API uses, in parallel), not through N HTTP calls. The status is
 * polled with a separate, uncounted DynamoDB client, so polling adds nothing to the counts.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { expectStatus } from './api.js';
import type { Harness } from './send-path.js';
import { settle } from './send-path.js';
import { diff, type CallStats } from './stats.js';

export interface BroadcastEnv {
  practiceId: string;
  staffToken: string;
  dynamoEndpoint: string;
  tableName: string;
  /** Repository and keys, imported after the runtime set the environment. */
  createPatient: (practiceId: string, patient: Record<string, unknown>) => Promise<void>;
  broadcastKey: (practiceId: string, id: string) => { pk: string; sk: string };
}

export interface BroadcastResult {
  recipients: number;
  setupMs: number;
  apiMs: number;
  /** The POST's own DynamoDB calls (stream paused while it ran). */
  api: CallStats;
  /** Everything from the POST to done: the API call, the fan-out and the dispatcher. */
  all: CallStats;
  toDoneMs: number;
  providerCalls: number;
  counts: Record<string, number> | null;
  status: string;
  /** Set when the run was cut at its deadline. */
  cut?: string;
}

async function inParallel<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

/** Distinct, well-formed US numbers: +1 212 2xx xxxx, one per recipient (offset keeps runs apart). */
const phoneOf = (offset: number, i: number) => `+1212${String(2_000_000 + offset + i)}`;

export async function measureBroadcast(h: Harness, env: BroadcastEnv, recipients: number, phoneOffset: number, deadlineMs: number): Promise<BroadcastResult> {
  const setupStarted = performance.now();
  const at = new Date().toISOString();
  const patients = Array.from({ length: recipients }, (_, i) => ({
    id: ulid(),
    name: `Bench Patient ${i}`,
    email: null,
    phone: phoneOf(phoneOffset, i),
    whatsapp: null,
    status: 'active' as const,
    chat: null,
    createdAt: at,
    updatedAt: at,
  }));
  await inParallel(patients, 24, (p) => env.createPatient(env.practiceId, p));
  const setupMs = performance.now() - setupStarted;
  await settle(h, 300);

  const raw = new DynamoDBClient({ endpoint: env.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await h.call('POST', '/dev/stream', { body: { paused: true } });
    const outboxBefore = h.outboxCount();
    const before = h.stats();
    const started = performance.now();
    let post;
    let api: CallStats;
    try {
      post = await h.call('POST', '/v1/broadcasts', {
        token: env.staffToken,
        body: { channel: 'sms', body: 'The practice is closed on Friday. Reply to book another day.', audience: { patientIds: patients.map((p) => p.id) } },
      });
      api = diff(h.stats(), before);
    } finally {
      await h.call('POST', '/dev/stream', { body: { paused: false } });
    }
    expectStatus(post, 202, `POST /v1/broadcasts (${recipients})`);
    if (post.body.recipients !== recipients) throw new Error(`expected ${recipients} recipients, got ${JSON.stringify(post.body)}`);

    const key = env.broadcastKey(env.practiceId, post.body.id as string);
    let status = 'queued';
    let counts: Record<string, number> | null = null;
    let cut: string | undefined;
    for (;;) {
      const out = await raw.send(new GetItemCommand({ TableName: env.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }));
      status = out.Item?.['status']?.S ?? 'missing';
      const c = out.Item?.['counts']?.M ?? {};
      counts = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Number(v.N)]));
      if (status === 'done') break;
      if (performance.now() - started > deadlineMs) {
        cut = `cut after ${Math.round(deadlineMs / 60_000)} min: ${recipients - (counts['queued'] ?? recipients)} of ${recipients} settled`;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const toDoneMs = performance.now() - started;
    if (!cut) await settle(h, 500);
    const all = diff(h.stats(), before);
    return {
      recipients,
      setupMs,
      apiMs: post.ms,
      api,
      all,
      toDoneMs,
      providerCalls: h.outboxCount() - outboxBefore,
      counts,
      status,
      ...(cut ? { cut } : {}),
    };
  } finally {
    raw.destroy();
  }
}
