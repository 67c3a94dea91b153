/**
 * `npm run bench -- inbound`: signed inbound SMS through the local API's Twilio route (N
 * concurrent senders, each a new number, to one practice's number), per second, and the
 * DynamoDB calls per inbound message (counted by the client: lambdas/adapters/dynamo/client.ts).
 * Then the same messages again (Twilio retries): stored nothing new, and the calls a retry costs.
 *
 * Knobs (environment): INBOUND_SMS (500), INBOUND_CONCURRENCY (10).
 */
import { createHmac } from 'node:crypto';
import { ulid } from 'ulid';
import { startLocal } from '../lib/local/runtime.js';
import { LOCAL_WEBHOOK_DEFAULTS } from '../lambdas/adapters/webhooks/local-defaults.js';
import { apiClient, expectStatus } from './api.js';
import { describeMachine } from './machine.js';

const SMS = Number(process.env['INBOUND_SMS'] ?? 500);
const CONCURRENCY = Number(process.env['INBOUND_CONCURRENCY'] ?? 10);
const machineLine = () => {
  const m = describeMachine();
  return `${m.cpuModel}, ${m.nproc} CPUs, ${m.memoryGiB} GiB, Node ${m.node}`;
};
const progress = (line: string) => process.stderr.write(`[inbound ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const sign = (url: string, form: URLSearchParams) =>
  createHmac('sha1', LOCAL_WEBHOOK_DEFAULTS.TWILIO_AUTH_TOKEN)
    .update([...form.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).reduce((acc, [k, v]) => acc + k + v, url), 'utf8')
    .digest('base64');

export async function runInbound(): Promise<{ markdown: string; ok: boolean }> {
  const runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR' });
  try {
    const call = apiClient(runtime.url);
    const practiceId = `bench-inbound-${ulid().toLowerCase()}`;
    const admin = await runtime.issuer.sign({ practiceId, sub: 'admin', role: 'admin' });
    const staff = await call('POST', '/v1/staff', { token: admin, body: { name: 'Front desk', role: 'receptionist', permissions: ['send_messages'] } });
    expectStatus(staff, 201, 'staff');
    const ours = '+12025550100';
    expectStatus(await call('PATCH', '/v1/settings/channels', { token: admin, body: { smsNumbers: [ours] } }), 200, 'channel settings');

    const url = `${runtime.url}/webhooks/sms/twilio`;
    const forms = Array.from({ length: SMS }, (_, i) => {
      const sid = `SM${ulid().toLowerCase()}`;
      return new URLSearchParams({ AccountSid: 'ACbench', ApiVersion: '2010-04-01', MessageSid: sid, SmsSid: sid, SmsStatus: 'received', NumMedia: '0', From: `+1303555${String(i).padStart(4, '0')}`, To: ours, Body: `Message ${i}` });
    });
    const post = async (form: URLSearchParams) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(url, form) }, body: form.toString() });
      await res.text();
      return res.status;
    };
    const { countConsumedCapacity, dynamoCallStats, resetDynamoCallStats } = await import('../lambdas/adapters/dynamo/client.js');
    countConsumedCapacity();
    const pass = async (label: string) => {
      resetDynamoCallStats();
      let next = 0;
      const statuses: number[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < forms.length) statuses.push(await post(forms[next++]!));
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const stats = dynamoCallStats();
      const calls = Object.values(stats.calls).reduce((a, b) => a + b, 0);
      progress(`${label}: ${forms.length} in ${seconds.toFixed(1)} s`);
      return { seconds, ok: statuses.filter((s) => s === 200).length, calls, byCommand: stats.calls, units: Object.values(stats.capacityUnits).reduce((a, b) => a + b, 0) };
    };
    const first = await pass('first delivery');
    const retry = await pass('retried');
    const inbox = await call('GET', '/v1/conversations?limit=100', { token: await runtime.issuer.sign({ practiceId, sub: staff.body.id, role: 'receptionist' }) });
    const per = (n: number) => (n / SMS).toFixed(1);
    const row = (label: string, r: typeof first) =>
      `| ${label} | ${SMS} | ${CONCURRENCY} | ${r.ok} | ${(SMS / r.seconds).toFixed(1)} | ${per(r.calls)} | ${per(r.units)} | ${Object.entries(r.byCommand).map(([k, v]) => `${k} ${per(v)}`).join(', ')} |`;
    const markdown = [
      `### Inbound SMS (Twilio webhook, signed) — ${machineLine()}`,
      '',
      '| pass | messages | concurrent | 200s | messages/s | DynamoDB calls / message | capacity units / message | calls by command / message |',
      '|---|---|---|---|---|---|---|---|',
      row('first delivery', first),
      row('Twilio retry (same MessageSid)', retry),
      '',
      `Conversations in the staff inbox after both passes (first page, limit 100): ${inbox.body?.items?.length ?? 'n/a'}.`,
    ].join('\n');
    return { markdown, ok: first.ok === SMS && retry.ok === SMS };
  } finally {
    await runtime.stop();
  }
}
