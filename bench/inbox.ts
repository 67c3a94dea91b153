/**
 * Inbox latency as an inbox grows: `GET /v1/conversations` p50 for a caller with 100, 10,000
 * and 100,000 conversations. Each caller is a member of staff created through the API; their
 * participant states are seeded directly with BatchWriteItem (25 a call, a few calls in flight,
 * on a separate, uncounted client), shaped exactly as the app writes them (`stateItem` and
 * `conversationItem` of lambdas/adapters/dynamo/conversation-items.ts). An inbox page reads the
 * newest states (one Query) and their conversations (one BatchGetItem), so conversation items
 * are written only for the newest 50 of each caller: the rest of the states are never read by
 * the first page, which is what the benchmark asks for.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expectStatus, type Call } from './api.js';
import { percentile } from './stats.js';

type Item = Record<string, unknown>;

export interface InboxSetup {
  practiceId: string;
  adminToken: string;
  dynamoEndpoint: string;
  tableName: string;
  sign: (claims: { practiceId: string; sub: string; role: string }) => Promise<string>;
  /** The app's item builders (imported after the runtime has set the table's configuration). */
  stateItem: (practiceId: string, c: never, s: never) => Item;
  conversationItem: (practiceId: string, c: never) => Item;
}

export interface InboxResult {
  conversations: number;
  requests: number;
  p50: number;
  p99: number;
  seedMs: number;
  rows: number;
}

const CONVERSATIONS_READ = 50;

async function batchWrite(client: DynamoDBDocumentClient, table: string, items: Item[], inFlight = 6): Promise<void> {
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++] as Item[];
      let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const res = await client.send(new BatchWriteCommand({ RequestItems: request }));
        request = res.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

export async function measureInbox(call: Call, s: InboxSetup, sizes: number[], requests: number, progress: (line: string) => void): Promise<InboxResult[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: s.dynamoEndpoint }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const results: InboxResult[] = [];
  try {
    for (const n of sizes) {
      const staff = await call('POST', '/v1/staff', {
        token: s.adminToken,
        body: { name: `Inbox Owner ${n}`, role: 'receptionist', permissions: ['send_messages'] },
      });
      expectStatus(staff, 201, 'create the inbox owner');
      const staffId = staff.body.id as string;
      const token = await s.sign({ practiceId: s.practiceId, sub: staffId, role: 'receptionist' });
      progress(`inbox: seeding ${n} participant states for one caller (BatchWriteItem)`);
      const started = performance.now();
      const base = Date.parse('2026-01-01T00:00:00.000Z');
      const items: Item[] = [];
      for (let i = 0; i < n; i++) {
        const at = new Date(base + i * 1000).toISOString();
        const id = `inbox-${n}-${String(i).padStart(6, '0')}`;
        const conversation = {
          id,
          kind: 'direct',
          channel: 'sms',
          subject: null,
          participants: [
            { type: 'staff', id: staffId, name: `Inbox Owner ${n}`, role: 'receptionist' },
            { type: 'patient', id: `inbox-patient-${i % 500}`, name: `Inbox Patient ${i % 500}`, role: 'patient' },
          ],
          createdBy: { type: 'staff', id: staffId },
          createdAt: at,
          lastMessageAt: at,
          lastDirection: 'outbound',
        };
        const state = { conversationId: id, party: { type: 'staff', id: staffId }, status: 'replied', archived: false, starred: false, lastMessageAt: at };
        items.push(s.stateItem(s.practiceId, conversation as never, state as never));
        if (i >= n - CONVERSATIONS_READ) items.push(s.conversationItem(s.practiceId, conversation as never));
      }
      await batchWrite(client, s.tableName, items);
      const seedMs = performance.now() - started;
      progress(`inbox: ${n} seeded in ${(seedMs / 1000).toFixed(1)} s; ${requests} GET /v1/conversations`);
      const latencies: number[] = [];
      let rows = 0;
      for (let i = -5; i < requests; i++) {
        const res = await call('GET', '/v1/conversations', { token });
        expectStatus(res, 200, 'list the inbox');
        rows = (res.body.items as unknown[]).length;
        if (i >= 0) latencies.push(res.ms);
      }
      results.push({ conversations: n, requests, p50: percentile(latencies, 50), p99: percentile(latencies, 99), seedMs, rows });
    }
  } finally {
    client.destroy();
  }
  return results;
}
