/**
 * The send path through the local HTTP API, one request at a time: staff replies in an SMS
 * conversation, and staff starting SMS conversations with patients. While the requests run the
 * stream poller, the delivery queue's consumer and the sweeper's timer are paused, so the counters
 * hold only the API's own DynamoDB calls; afterwards they are resumed and the dispatcher's calls
 * for the same messages (the queue consumer's and the sweeper's included) are counted separately.
 */
import type { Call } from './api.js';
import { apiClient, expectStatus } from './api.js';
import { diff, percentile, total, type CallStats } from './stats.js';

export interface Harness {
  call: Call;
  stats: () => CallStats;
  outboxCount: () => number;
  /** Resolves when `done()` holds; throws after `ms`. */
  until: (done: () => boolean | Promise<boolean>, what: string, ms: number) => Promise<void>;
}

/**
 * The harness over a started local runtime: its API, the DynamoDB call counters (capacity asked
 * for from here on: measurement is attached in the bench, never in production) and the SMS outbox.
 * The modules are imported after start-up: they read their configuration (table, endpoint) at load.
 */
export async function localHarness(url: string): Promise<Harness> {
  const { countConsumedCapacity, dynamoCallStats } = await import('../lambdas/adapters/dynamo/client.js');
  countConsumedCapacity();
  const { localOutboxEntries } = await import('../lambdas/adapters/providers/local-outbox.js');
  return {
    call: apiClient(url),
    stats: dynamoCallStats,
    outboxCount: () => localOutboxEntries({ channel: 'sms' }).length,
    until: async (done, what, ms) => {
      const deadline = Date.now() + ms;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

export interface PathResult {
  name: string;
  requests: number;
  api: CallStats;
  dispatch: CallStats;
  latencies: number[];
  p50: number;
  p99: number;
  mean: number;
  /** SMS in the local outbox for these messages (should equal `requests`). */
  sent: number;
}

/** Waits until the counters stop moving for `quietMs` (the dispatcher has finished its writes). */
export async function settle(h: Harness, quietMs = 750): Promise<void> {
  let last = total(h.stats().calls);
  let since = Date.now();
  await h.until(
    () => {
      const now = total(h.stats().calls);
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    'the DynamoDB counters to settle',
    120_000,
  );
}

async function measure(h: Harness, name: string, requests: number, send: (i: number) => Promise<number>): Promise<PathResult> {
  // The delivery queue and the sweeper's timer pause too: nothing but the requests' own calls is counted.
  await h.call('POST', '/dev/stream', { body: { paused: true, deliveries: true } });
  const outboxBefore = h.outboxCount();
  const before = h.stats();
  const latencies: number[] = [];
  let api: CallStats;
  try {
    for (let i = 0; i < requests; i++) latencies.push(await send(i));
  } finally {
    api = diff(h.stats(), before);
    await h.call('POST', '/dev/stream', { body: { paused: false } });
  }
  const dispatchBefore = h.stats();
  await h.until(() => h.outboxCount() - outboxBefore >= requests, `${requests} SMS in the outbox`, 300_000);
  await settle(h);
  const dispatch = diff(h.stats(), dispatchBefore);
  return {
    name,
    requests,
    api,
    dispatch,
    latencies,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    sent: h.outboxCount() - outboxBefore,
  };
}

export interface SendPathSetup {
  staffToken: string;
  /** Patients with phones; the first one has the conversation the replies go to. */
  patientIds: string[];
}

export async function measureReplies(h: Harness, s: SendPathSetup, requests: number, warmup: number): Promise<PathResult> {
  const start = await h.call('POST', '/v1/conversations', {
    token: s.staffToken,
    body: { channel: 'sms', participants: [{ type: 'patient', id: s.patientIds[0] }], body: 'Your appointment is confirmed.' },
  });
  expectStatus(start, 201, 'start the reply conversation');
  const conversationId = start.body.conversation.id as string;
  const reply = async (i: number) => {
    const res = await h.call('POST', `/v1/conversations/${conversationId}/messages`, {
      token: s.staffToken,
      body: { body: `Reminder ${i}: please arrive ten minutes early.` },
    });
    expectStatus(res, 201, 'reply');
    return res.ms;
  };
  for (let i = 0; i < warmup; i++) await reply(-1 - i);
  await settle(h);
  return measure(h, `reply (POST /v1/conversations/{id}/messages), SMS`, requests, reply);
}

export async function measureStarts(h: Harness, s: SendPathSetup, requests: number, warmup: number): Promise<PathResult> {
  const ids = s.patientIds.slice(1);
  if (ids.length < requests + warmup) throw new Error('not enough patients for the conversation starts');
  let next = 0;
  const startOne = async () => {
    const res = await h.call('POST', '/v1/conversations', {
      token: s.staffToken,
      body: { channel: 'sms', participants: [{ type: 'patient', id: ids[next++] }], body: 'Hello from the practice: please call us back.' },
    });
    expectStatus(res, 201, 'start a conversation');
    return res.ms;
  };
  for (let i = 0; i < warmup; i++) await startOne();
  await settle(h);
  return measure(h, `conversation start (POST /v1/conversations), SMS`, requests, startOne);
}

/**
 * The floor of a send: the minimum DynamoDB calls for the same operation, issued directly (no
 * HTTP, no handler) on a separate client against the same DynamoDB Local, one sequence at a
 * time: a GetItem (the caller), a BatchGetItem (the conversation and the block check of the
 * recipient's address) and one TransactWriteItems (the message, the conversation's activity,
 * the two participant states and the delivery). Items live in the practice's own partition.
 */
export interface FloorSetup {
  dynamoEndpoint: string;
  tableName: string;
  practiceId: string;
  staffKey: { pk: string; sk: string };
  /**
   * The same sequence over items that carry the index entries the product's items carry: each
   * participant state is in the inbox index and the by-status index (gsi1, gsi2; their sort keys
   * move with every message), and the delivery is in the lease index. Shows how much of a send's
   * time is DynamoDB keeping those indexes, not our code. Other keys than the bare floor's.
   */
  indexed?: boolean;
}

export interface FloorResult {
  name: string;
  requests: number;
  calls: number;
  p50: number;
  p99: number;
  mean: number;
}

export async function measureFloor(s: FloorSetup, requests: number, warmup: number): Promise<FloorResult> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: s.dynamoEndpoint }));
  const P = `P#${s.practiceId}`;
  const tag = s.indexed ? 'FLOORX' : 'FLOOR';
  const conversation = { pk: `${P}#${tag}#CONV`, sk: 'META' };
  const block = { pk: `${P}#${tag}#BLOCK`, sk: 'ADDR#+12135550100' };
  /** The index entries of a state (indexed floor only): inbox order and by-status order. */
  const stateIndex = (party: string, status: string, at: string) =>
    s.indexed ? { gsi1pk: `${P}#${tag}#INBOX#${party}`, gsi1sk: `${at}#c`, gsi2pk: `${P}#${tag}#INBOX#${party}#${status}`, gsi2sk: `${at}#c` } : {};
  const stateSet = (party: string, status: string, at: string) => ({
    UpdateExpression: s.indexed ? 'SET #s = :s, gsi1sk = :at, gsi2pk = :g2, gsi2sk = :at' : 'SET #s = :s, gsi1sk = :at',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':s': status, ':at': s.indexed ? `${at}#c` : at, ...(s.indexed ? { ':g2': `${P}#${tag}#INBOX#${party}#${status}` } : {}) },
  });
  try {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: s.tableName, Item: { ...conversation, type: 'FloorConversation', lastMessageAt: '2026-01-01T00:00:00.000Z', participants: 2 } } },
          { Put: { TableName: s.tableName, Item: { pk: conversation.pk, sk: 'PART#staff#a', type: 'FloorState', status: 'read', ...stateIndex('staff#a', 'read', '2026-01-01') } } },
          { Put: { TableName: s.tableName, Item: { pk: conversation.pk, sk: 'PART#patient#b', type: 'FloorState', status: 'read', ...stateIndex('patient#b', 'read', '2026-01-01') } } },
        ],
      }),
    );
    const one = async (i: number): Promise<number> => {
      const started = performance.now();
      const at = new Date(Date.parse('2026-01-01T00:00:00.000Z') + 1000 + i * 1000 + 500_000_000).toISOString();
      await client.send(new GetCommand({ TableName: s.tableName, Key: s.staffKey }));
      await client.send(new BatchGetCommand({ RequestItems: { [s.tableName]: { Keys: [conversation, block] } } }));
      const id = `floor-${String(i + 1_000_000)}`;
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: s.tableName, Item: { pk: conversation.pk, sk: `MSG#${at}#${id}`, type: 'FloorMessage', id, body: `Reminder ${i}: please arrive ten minutes early.`, createdAt: at } } },
            {
              Update: {
                TableName: s.tableName,
                Key: conversation,
                UpdateExpression: 'SET lastMessageAt = :at',
                ConditionExpression: 'participants = :n',
                ExpressionAttributeValues: { ':at': at, ':n': 2 },
              },
            },
            { Update: { TableName: s.tableName, Key: { pk: conversation.pk, sk: 'PART#staff#a' }, ...stateSet('staff#a', 'replied', at) } },
            { Update: { TableName: s.tableName, Key: { pk: conversation.pk, sk: 'PART#patient#b' }, ...stateSet('patient#b', 'unread', at) } },
            {
              Put: {
                TableName: s.tableName,
                Item: {
                  pk: conversation.pk, sk: `DLV#${id}#0`, type: 'FloorDelivery', channel: 'sms', status: 'queued', address: '+12135550100',
                  // The lease entry the sweeper reads (indexed floor only); a far-off due time, so the sweeper never finds it due.
                  ...(s.indexed ? { leasePk: `${P}#${tag}#LEASE`, leaseDue: '9999-01-01T00:00:00.000Z' } : {}),
                },
              },
            },
          ],
        }),
      );
      return performance.now() - started;
    };
    for (let i = 0; i < warmup; i++) await one(-1 - i);
    const latencies: number[] = [];
    for (let i = 0; i < requests; i++) latencies.push(await one(i));
    return {
      name: s.indexed
        ? 'floor with the index entries (states in gsi1 and gsi2, delivery in the lease index), direct'
        : 'floor: GetItem + BatchGetItem + TransactWriteItems (5 items), direct',
      requests,
      calls: 3,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    };
  } finally {
    client.destroy();
  }
}
