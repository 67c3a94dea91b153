/**
 * `npm run bench -- faults`: the fault-injection run. 1,000 SMS (one broadcast to 1,000 patients)
 * through the local runtime while the local SMS provider throttles 30 % of sends, times out 5 %
 * after accepting them, and the dispatcher crashes after the claim, before the hand-over, on 2 %
 * of dispatches (deliveries go through the in-process delivery queue, as through SQS on AWS).
 * Every delivery must end final within the run, none lost, none in the outbox
 * twice, and `outcome_unknown` exactly as many as the injected post-accept timeouts. Prints
 * markdown; exits non-zero when a check fails.
 *
 * Knobs (environment): FAULTS_SMS (1000), FAULTS_DEADLINE_MINUTES (15).
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { startLocal } from '../lib/local/runtime.js';
import { apiClient, expectStatus } from './api.js';
import { describeMachine } from './machine.js';

const SMS = Number(process.env['FAULTS_SMS'] ?? 1000);
const DEADLINE_MS = Number(process.env['FAULTS_DEADLINE_MINUTES'] ?? 15) * 60_000;
export const FAULT_RATES = { throttle: 0.3, timeoutAfterAccept: 0.05, dispatcherCrash: 0.02 };
const FINAL = new Set(['sent', 'failed', 'blocked', 'suppressed', 'delivered']);

const progress = (line: string) => process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface DeliveryRow {
  id: string;
  status: string;
  error?: string;
}

async function broadcastDeliveries(raw: DynamoDBClient, tableName: string, broadcastId: string): Promise<DeliveryRow[]> {
  // A Scan is fine here: a measurement over DynamoDB Local, never a request path.
  const rows: DeliveryRow[] = [];
  let start: Record<string, never> | undefined;
  do {
    const out = await raw.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#type = :d AND broadcastId = :b',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':d': { S: 'Delivery' }, ':b': { S: broadcastId } },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      rows.push({
        id: `${item['conversationId']?.S}/${item['sk']?.S}`,
        status: item['status']?.S ?? 'missing',
        ...(item['error']?.S ? { error: item['error'].S } : {}),
      });
    }
    start = out.LastEvaluatedKey as typeof start;
  } while (start);
  return rows;
}

const tally = (rows: DeliveryRow[], key: (r: DeliveryRow) => string) =>
  rows.reduce<Record<string, number>>((acc, r) => ((acc[key(r)] = (acc[key(r)] ?? 0) + 1), acc), {});

export async function runFaults(): Promise<{ markdown: string; ok: boolean }> {
  const machine = describeMachine();
  const date = new Date().toISOString();
  // Throttled deliveries wait at most 10 s here (15 min in production) so the run ends in minutes.
  process.env['DELIVERY_MAX_THROTTLE_DELAY_SECONDS'] ??= '10';
  progress('starting the local runtime');
  const runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR' });
  const raw = new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const { localOutboxEntries, injectedLocalFaults, setLocalFaultRates } = await import('../lambdas/adapters/providers/local-outbox.js');
    const { DynamoDirectoryRepository } = await import('../lambdas/adapters/dynamo/directory-repository.js');
    const call = apiClient(runtime.url);
    const practiceId = `faults-${ulid().toLowerCase()}`;
    const adminToken = await runtime.issuer.sign({ practiceId, sub: 'admin-root', role: 'admin' });
    const staffRes = await call('POST', '/v1/staff', { token: adminToken, body: { name: 'Fault Run', role: 'receptionist', permissions: ['send_messages'] } });
    expectStatus(staffRes, 201, 'create staff');
    const staffToken = await runtime.issuer.sign({ practiceId, sub: staffRes.body.id, role: 'receptionist' });

    progress(`creating ${SMS} patients`);
    const repo = new DynamoDirectoryRepository();
    const at = new Date().toISOString();
    const patientIds: string[] = [];
    for (let i = 0; i < SMS; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, SMS - i) }, (_, j) => {
          const id = ulid();
          patientIds.push(id);
          return repo.createPatient(practiceId, {
            id, name: `Fault Patient ${i + j}`, email: null, phone: `+1212${String(3_000_000 + i + j)}`, whatsapp: null,
            status: 'active', chat: null, createdAt: at, updatedAt: at,
          } as never);
        }),
      );
    }

    setLocalFaultRates(FAULT_RATES);
    const outboxBefore = localOutboxEntries({ channel: 'sms' }).length;
    progress(`broadcasting ${SMS} SMS with faults ${JSON.stringify(FAULT_RATES)}`);
    const started = performance.now();
    const post = await call('POST', '/v1/broadcasts', {
      token: staffToken,
      body: { channel: 'sms', body: 'Fault run: the practice is closed on Friday.', audience: { patientIds } },
    });
    expectStatus(post, 202, 'POST /v1/broadcasts');
    const broadcastId = post.body.id as string;

    let rows: DeliveryRow[] = [];
    let finalMs = 0;
    for (;;) {
      rows = await broadcastDeliveries(raw, runtime.tableName, broadcastId);
      const open = rows.filter((r) => !FINAL.has(r.status)).length;
      if (rows.length === SMS && open === 0) {
        finalMs = performance.now() - started;
        break;
      }
      if (performance.now() - started > DEADLINE_MS) break;
      progress(`${rows.length} deliveries written, ${open} not final yet`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    const injected = injectedLocalFaults();
    setLocalFaultRates(null);

    const entries = localOutboxEntries({ channel: 'sms' }).slice(0, localOutboxEntries({ channel: 'sms' }).length - outboxBefore);
    const perDelivery = tally(entries.map((e) => ({ id: e.deliveryId, status: '' })), (r) => r.id);
    const twice = Object.values(perDelivery).filter((n) => n > 1).length;
    const byStatus = tally(rows, (r) => r.status);
    const byError = tally(rows.filter((r) => r.error), (r) => r.error as string);
    const notFinal = rows.filter((r) => !FINAL.has(r.status)).length;
    const sentWithoutOutbox = rows.filter((r) => r.status === 'sent' && !perDelivery[r.id]).length;
    const lost = SMS - rows.length + notFinal + sentWithoutOutbox;
    const unknown = byError['outcome_unknown'] ?? 0;
    const checks: [string, boolean][] = [
      [`every delivery final within the run (${rows.length - notFinal} of ${SMS})`, notFinal === 0 && rows.length === SMS],
      [`0 lost (${lost})`, lost === 0],
      [`0 in the outbox twice (${twice})`, twice === 0],
      [`outcome_unknown (${unknown}) == injected post-accept timeouts (${injected.timeoutAfterAccept})`, unknown === injected.timeoutAfterAccept],
    ];
    const ok = checks.every(([, pass]) => pass);
    const out = [
      `## Fault-injection run ${date.slice(0, 10)}`,
      '',
      `Machine: ${machine.cpuModel}, ${machine.nproc} CPUs, Node ${machine.node}. Local runtime (DynamoDB Local, stream poller, in-process delivery queue: batches of 10, 5 at once, sweeper every 1 s, lease 10 s, longest throttle wait ${process.env['DELIVERY_MAX_THROTTLE_DELAY_SECONDS']} s).`,
      `${SMS} SMS in one broadcast; faults: throttle ${FAULT_RATES.throttle * 100} % of sends, timeout after accept ${FAULT_RATES.timeoutAfterAccept * 100} %, dispatcher crash before the hand-over ${FAULT_RATES.dispatcherCrash * 100} % of dispatches.`,
      '',
      '| figure | value |',
      '|---|---|',
      `| all final after | ${finalMs ? `${(finalMs / 1000).toFixed(1)} s` : 'not within the deadline'} |`,
      `| injected throttles | ${injected.throttle} |`,
      `| injected timeouts after accept | ${injected.timeoutAfterAccept} |`,
      `| injected dispatcher crashes | ${injected.dispatcherCrash} |`,
      `| deliveries by status | ${Object.entries(byStatus).map(([k, v]) => `${k} ${v}`).join(', ')} |`,
      `| errors | ${Object.entries(byError).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} |`,
      `| provider sends (outbox entries) | ${entries.length} |`,
      '',
      ...checks.map(([what, pass]) => `- ${pass ? 'PASS' : 'FAIL'}: ${what}`),
    ];
    return { markdown: out.join('\n'), ok };
  } finally {
    raw.destroy();
    await runtime.stop();
  }
}
