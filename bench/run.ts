/**
 * `npm run bench`: the send path, broadcasts and bundle sizes, measured on the local runtime
 * (DynamoDB Local, emulators, stream poller and HTTP API, all started in this process) and
 * printed as markdown on stdout; progress goes to stderr. docs/performance.md records a run.
 *
 * Knobs (environment): BENCH_REPLIES (200), BENCH_STARTS (100), BENCH_BROADCASTS ("1000,10000"),
 * BENCH_DEADLINE_MINUTES (10, per broadcast, from POST to done).
 */
import { ulid } from 'ulid';
import { startLocal, type LocalRuntime } from '../lib/local/runtime.js';
import { expectStatus } from './api.js';
import { measureBroadcast, type BroadcastResult } from './broadcast.js';
import { measureBundles, type Bundles } from './bundles.js';
import { measureColdStarts, type ColdStart } from './cold-start.js';
import { measureInbox, type InboxResult } from './inbox.js';
import { describeMachine } from './machine.js';
import { localHarness, measureFloor, measureReplies, measureStarts, type FloorResult, type PathResult } from './send-path.js';
import { breakdown, num, table, total } from './stats.js';

const intEnv = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};
const REPLIES = intEnv('BENCH_REPLIES', 200);
const STARTS = intEnv('BENCH_STARTS', 100);
const BROADCASTS = (process.env['BENCH_BROADCASTS'] ?? '1000,10000')
  .split(',')
  .filter(Boolean)
  .map((s) => Number(s));
const DEADLINE_MS = intEnv('BENCH_DEADLINE_MINUTES', 10) * 60_000;
const COLD_RUNS = intEnv('BENCH_COLD_RUNS', 5);
const INBOX_SIZES = (process.env['BENCH_INBOX'] ?? '100,10000,100000')
  .split(',')
  .filter(Boolean)
  .map((s) => Number(s));
const INBOX_REQUESTS = intEnv('BENCH_INBOX_REQUESTS', 50);
/** `npm run bench -- send-path bundles inbox`: only those parts (default: every part, broadcasts included). */
const PARTS = ['send-path', 'bundles', 'inbox'] as const;
const chosen = PARTS.filter((p) => process.argv.includes(p));
const runs = (part: (typeof PARTS)[number] | 'broadcasts') => (chosen.length === 0 ? true : part !== 'broadcasts' && chosen.includes(part));
const WARMUP_REPLIES = 10;
const WARMUP_STARTS = 5;

const progress = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<string> {
  const machine = describeMachine();
  const date = new Date().toISOString();
  progress(`machine: ${machine.cpuModel}, ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}`);

  let bundles: Bundles | undefined;
  if (runs('bundles')) {
    progress('bundling every Lambda entry and the bare floor handler with esbuild');
    bundles = await measureBundles();
  }

  progress('starting the local runtime (DynamoDB Local, S3, SES emulators, stream poller, HTTP API)');
  let runtime: LocalRuntime | undefined;
  const stopRuntime = async () => {
    const r = runtime;
    runtime = undefined;
    if (r) await r.stop();
    bundles?.remove();
  };
  const onSignal = (signal: string) => {
    progress(`${signal}: stopping the local runtime`);
    void stopRuntime().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR' });
    const h = await localHarness(runtime.url);
    const { call } = h;
    const { DynamoDirectoryRepository } = await import('../lambdas/adapters/dynamo/directory-repository.js');
    const { keys } = await import('../lambdas/adapters/dynamo/keys.js');

    const practiceId = `bench-${ulid().toLowerCase()}`;
    const adminToken = await runtime.issuer.sign({ practiceId, sub: 'admin-root', role: 'admin' });
    const staffRes = await call('POST', '/v1/staff', {
      token: adminToken,
      body: { name: 'Bench Receptionist', role: 'receptionist', permissions: ['send_messages'] },
    });
    expectStatus(staffRes, 201, 'create staff');
    const staffToken = await runtime.issuer.sign({ practiceId, sub: staffRes.body.id, role: 'receptionist' });

    // (a) the send path
    const needed = runs('send-path') ? 1 + STARTS + WARMUP_STARTS : 0;
    progress(`creating ${needed} patients through the API for the send path`);
    const patientIds: string[] = [];
    for (let i = 0; i < needed; i++) {
      const res = await call('POST', '/v1/patients', {
        token: adminToken,
        body: { name: `Send Path Patient ${i}`, status: 'active', phone: `+1213${String(2_000_000 + i)}` },
      });
      expectStatus(res, 201, 'create patient');
      patientIds.push(res.body.id);
    }
    const paths: PathResult[] = [];
    let floor: FloorResult | undefined;
    let indexedFloor: FloorResult | undefined;
    if (runs('send-path') && REPLIES > 0) {
      progress(`send path: ${REPLIES} replies (after ${WARMUP_REPLIES} warm-up)`);
      paths.push(await measureReplies(h, { staffToken, patientIds }, REPLIES, WARMUP_REPLIES));
    }
    if (runs('send-path') && STARTS > 0) {
      progress(`send path: ${STARTS} conversation starts (after ${WARMUP_STARTS} warm-up)`);
      paths.push(await measureStarts(h, { staffToken, patientIds }, STARTS, WARMUP_STARTS));
    }

    if (runs('send-path')) {
      progress(`send path floor: ${REPLIES || 100} bare sequences (GetItem, BatchGetItem, TransactWriteItems)`);
      floor = await measureFloor(
        { dynamoEndpoint: runtime.endpoints.dynamodb, tableName: runtime.tableName, practiceId, staffKey: keys.staff(practiceId, staffRes.body.id) },
        REPLIES || 100,
        WARMUP_REPLIES,
      );
      indexedFloor = await measureFloor(
        { dynamoEndpoint: runtime.endpoints.dynamodb, tableName: runtime.tableName, practiceId, staffKey: keys.staff(practiceId, staffRes.body.id), indexed: true },
        REPLIES || 100,
        WARMUP_REPLIES,
      );
    }

    // cold starts: every bundle in a fresh Node process against this DynamoDB Local
    let cold: { bare: ColdStart; functions: ColdStart[] } | undefined;
    if (bundles && COLD_RUNS > 0) {
      const { routes } = await import('../lib/routes.js');
      const getRoutes: Record<string, { routeKey: string; path: string; auth: string }> = {};
      for (const r of [...routes].sort((a, b) => a.path.split('{').length - b.path.split('{').length)) {
        if (r.method === 'GET' && !getRoutes[r.fn] && (r.auth === 'jwt' || r.fn === 'meta')) getRoutes[r.fn] = { routeKey: `GET ${r.path}`, path: r.path, auth: r.auth };
      }
      cold = await measureColdStarts(bundles, { practiceId, staffId: staffRes.body.id, role: 'receptionist', getRoutes }, COLD_RUNS, progress);
    }

    // inbox latency as the inbox grows
    let inbox: InboxResult[] = [];
    if (runs('inbox') && INBOX_SIZES.length > 0) {
      const items = await import('../lambdas/adapters/dynamo/conversation-items.js');
      const issuer = runtime.issuer;
      inbox = await measureInbox(
        call,
        {
          practiceId,
          adminToken,
          dynamoEndpoint: runtime.endpoints.dynamodb,
          tableName: runtime.tableName,
          sign: (c) => issuer.sign(c as never),
          stateItem: items.stateItem as never,
          conversationItem: items.conversationItem as never,
        },
        INBOX_SIZES,
        INBOX_REQUESTS,
        progress,
      );
    }

    // (b) broadcasts
    const repo = new DynamoDirectoryRepository();
    const results: BroadcastResult[] = [];
    let offset = 0;
    for (const n of runs('broadcasts') ? BROADCASTS : []) {
      progress(`broadcast: creating ${n} patients through DynamoDirectoryRepository.createPatient (24 in parallel)`);
      const r = await measureBroadcast(
        h,
        {
          practiceId,
          staffToken,
          dynamoEndpoint: runtime.endpoints.dynamodb,
          tableName: runtime.tableName,
          createPatient: (p, patient) => repo.createPatient(p, patient as never),
          broadcastKey: keys.broadcast,
        },
        n,
        offset,
        DEADLINE_MS,
      );
      offset += n;
      progress(`broadcast to ${n}: ${r.cut ?? `done in ${(r.toDoneMs / 1000).toFixed(1)} s`}`);
      results.push(r);
      if (r.cut) break; // the rest of a cut broadcast is still running: nothing later would be fair
    }

    progress('stopping the local runtime');
    await stopRuntime();
    return report(machine, date, paths, results, bundles, { floor, indexedFloor, cold, inbox });
  } finally {
    await stopRuntime();
  }
}

function report(
  machine: ReturnType<typeof describeMachine>,
  date: string,
  paths: PathResult[],
  broadcasts: BroadcastResult[],
  bundles: Bundles | undefined,
  extra: { floor: FloorResult | undefined; indexedFloor?: FloorResult | undefined; cold: { bare: ColdStart; functions: ColdStart[] } | undefined; inbox: InboxResult[] },
): string {
  const out: string[] = [];
  out.push(`## Benchmark run ${date.slice(0, 10)}`, '');
  out.push(
    `Machine: ${machine.cpuModel}, ${machine.nproc} CPUs (nproc), ${machine.memoryGiB} GiB memory, Node ${machine.node}, ${machine.os}. ` +
      `Run started ${date}. Local runtime: DynamoDB Local (in memory), s3rver, aws-ses-v2-local, local SMS outbox, stream poller, all in one process with the API.`,
    '',
  );

  out.push('### (a) Send path through the local HTTP API (one request at a time)', '');
  out.push(
    table(
      ['Operation', 'Requests', 'p50 ms', 'p99 ms', 'mean ms', 'DynamoDB calls / request (API)', 'by command', 'capacity units / request (API)'],
      paths.map((p) => [
        p.name,
        String(p.requests),
        num(p.p50, 1),
        num(p.p99, 1),
        num(p.mean, 1),
        num(total(p.api.calls) / p.requests),
        breakdown(p.api.calls, p.requests),
        capacity(p.api.capacityUnits, p.api.calls, p.requests),
      ]),
    ),
    '',
  );
  out.push(
    table(
      ['Operation', 'Messages', 'SMS sent', 'dispatcher DynamoDB calls / message', 'by command', 'dispatcher capacity units / message', 'total calls / message (API + dispatcher)', 'total capacity units / message'],
      paths.map((p) => [
        p.name,
        String(p.requests),
        String(p.sent),
        num(total(p.dispatch.calls) / p.requests),
        breakdown(p.dispatch.calls, p.requests),
        capacity(p.dispatch.capacityUnits, p.dispatch.calls, p.requests),
        num((total(p.api.calls) + total(p.dispatch.calls)) / p.requests),
        num((total(p.api.capacityUnits) + total(p.dispatch.capacityUnits)) / p.requests),
      ]),
    ),
    '',
  );
  out.push(
    `Latency is measured by the client around each HTTP call (request to parsed body), after ${WARMUP_REPLIES} warm-up replies / ${WARMUP_STARTS} warm-up starts. ` +
      'The stream poller is paused while the requests run (`POST /dev/stream {paused:true}`), so the API columns hold only the API handler\'s own calls; ' +
      'it is then resumed and the dispatcher\'s calls for the same messages are counted until every SMS is in the outbox and the counters are quiet. ' +
      'Capacity units are what DynamoDB Local returned for `ReturnConsumedCapacity: TOTAL` (read + write units together).',
    '',
  );

  out.push('### (b) Broadcasts over SMS', '');
  out.push(
    table(
      ['Recipients', 'POST latency ms', 'POST\'s own DynamoDB calls', 'POST → done', 'DynamoDB calls / recipient', 'by command', 'capacity units / recipient', 'provider calls / recipient', 'final counts'],
      broadcasts.map((b) => {
        const settled = b.cut ? Math.max(1, b.recipients - (b.counts?.['queued'] ?? b.recipients)) : b.recipients;
        return [
          String(b.recipients),
          num(b.apiMs, 0),
          `${total(b.api.calls)} (${breakdown(b.api.calls, 1)})`,
          b.cut ? `**${b.cut}**` : `${num(b.toDoneMs / 1000, 1)} s (${num(b.recipients / (b.toDoneMs / 1000), 0)} recipients/s)`,
          num(total(b.all.calls) / settled),
          breakdown(b.all.calls, settled),
          capacity(b.all.capacityUnits, b.all.calls, settled),
          num(b.providerCalls / settled),
          b.counts ? `${b.status}: ${Object.entries(b.counts).map(([k, v]) => `${k} ${v}`).join(', ')}` : b.status,
        ];
      }),
    ),
    '',
  );
  const cut = broadcasts.find((b) => b.cut);
  out.push(
    `Patients were created in-process through \`DynamoDirectoryRepository.createPatient\` (one TransactWriteItems per patient, 24 in parallel; ${broadcasts
      .map((b) => `${b.recipients} in ${num(b.setupMs / 1000, 1)} s`)
      .join(', ')}), not through the HTTP API, and are not counted. ` +
      'Each broadcast names its patients in `audience.patientIds`. "POST → done" runs from sending the POST until the broadcast item says `done` ' +
      '(every delivery settled), polled every 200 ms with a separate, uncounted DynamoDB client. ' +
      'Calls per recipient = every counted DynamoDB call from the POST to done (the API call, the fan-out consumer and the dispatcher) ÷ recipients; ' +
      'provider calls = local outbox entries ÷ recipients. The stream poller is paused during the POST so its own calls can be read separately, and resumed as soon as it answers.' +
      (cut ? ` The ${cut.recipients}-recipient run was cut at its deadline (BENCH_DEADLINE_MINUTES); its per-recipient numbers are over the recipients settled by then.` : ''),
    '',
  );

  if (extra.floor) out.push(...floorSection(paths, extra.floor, extra.indexedFloor));
  if (bundles) out.push(...bundleSection(bundles));
  if (extra.cold) out.push(...coldSection(extra.cold));
  if (extra.inbox.length > 0) out.push(...inboxSection(extra.inbox));
  return out.join('\n');
}

const ratio = (a: number, b: number) => (b > 0 ? `${num(a / b, 2)}×` : 'n/a');

function floorSection(paths: PathResult[], floor: FloorResult, indexed?: FloorResult): string[] {
  return [
    '### (a2) Send path next to its floor (same run, same DynamoDB Local)',
    '',
    table(
      ['Operation', 'p50 ms', 'p99 ms', 'DynamoDB calls (API)', 'latency ratio (p50 ÷ floor p50)', 'call ratio (API calls ÷ floor calls)', 'calls incl. dispatcher'],
      [
        [floor.name, num(floor.p50, 1), num(floor.p99, 1), String(floor.calls), '1×', '1×', '—'],
        ...(indexed ? [[indexed.name, num(indexed.p50, 1), num(indexed.p99, 1), String(indexed.calls), ratio(indexed.p50, floor.p50), '1×', '—']] : []),
        ...paths.map((p) => [
          p.name,
          num(p.p50, 1),
          num(p.p99, 1),
          num(total(p.api.calls) / p.requests),
          ratio(p.p50, floor.p50),
          ratio(total(p.api.calls) / p.requests, floor.calls),
          `${num((total(p.api.calls) + total(p.dispatch.calls)) / p.requests)} (dispatcher ${num(total(p.dispatch.calls) / p.requests)})`,
        ]),
      ],
    ),
    '',
    `The floor is the minimum DynamoDB work of a reply, issued directly by the benchmark on its own client (no HTTP, no handler, no validation, no JWT), one sequence at a time after ${WARMUP_REPLIES} warm-up: a GetItem (the caller), a BatchGetItem (conversation and block check) and one TransactWriteItems of 5 items (message, conversation activity, two participant states, delivery). ` +
      'Our figures are measured by an HTTP client through the local server, so the latency ratio also holds the HTTP round trip and the handler (middy, validation, the JSON answer). ' +
      'The indexed floor is the same sequence over items carrying the index entries the product\'s items carry (each state in the inbox and by-status indexes, whose sort keys move with every message; the delivery in the lease index): the part of a send\'s time that is DynamoDB keeping those indexes.',
    '',
  ];
}

function bundleSection(b: Bundles): string[] {
  const limit = 1.5 * b.bare.bytes;
  return [
    '### (c) Lambda bundle sizes next to the bare handler',
    '',
    table(
      ['Function', 'Kind', 'Entry', 'KiB', '÷ bare', '≤ 1.5× bare', 'largest parts (KiB)', 'classic zod / SQS client / all of zod'],
      [b.bare, ...b.functions].map((f) => [
        f.name,
        f.kind,
        `\`${f.entry}\``,
        num(f.bytes / 1024, 1),
        ratio(f.bytes, b.bare.bytes),
        f === b.bare ? '—' : f.bytes <= limit ? 'yes' : `no (+${num((f.bytes - limit) / 1024, 0)} KiB)`,
        f.largest.map((l) => `${l.what} ${num(l.bytes / 1024, 0)}`).join(', '),
        [f.contains.classicZod, f.contains.sqsClient, f.contains.allOfZod].map((x) => (x ? 'yes' : 'no')).join(' / '),
      ]),
    ),
    '',
    'Every entry under lambdas/handlers/ that exports `handler`, and the bare floor handler (bench/bare-handler.ts: the DynamoDB document client and one GetItem), built in the same run with the options CDK uses (lib/lambda-bundling.ts: ESM, node22, minified, everything bundled, AWS SDK included, the createRequire banner, `__LAMBDA_BUNDLE__`, the aliases: credentials from the environment only, no postcss). The reference row is the same bare handler without the aliases (the whole Node credential chain of the SDK: the floor first measured). Bytes of the .mjs file; the source map is not counted.',
    '',
  ];
}

function coldSection(c: { bare: ColdStart; functions: ColdStart[] }): string[] {
  return [
    '### (d) Cold start: import and first invocation in a fresh Node process',
    '',
    table(
      ['Function', 'Kind', 'KiB', 'import ms (p50)', 'first invocation ms (p50)', 'import + first ms (p50)', '÷ bare', 'first invocation threw'],
      [c.bare, ...c.functions].map((f) => [
        f.name,
        f.kind,
        num(f.bytes / 1024, 1),
        num(f.importMs, 1),
        num(f.invokeMs, 1),
        num(f.totalMs, 1),
        ratio(f.totalMs, c.bare.totalMs),
        f.failed ?? '',
      ]),
    ),
    '',
    `Each bundle of (c) is imported and invoked once in a new \`node\` process (${COLD_RUNS} rounds over every bundle, interleaved; medians), with the environment of the local runtime (the same DynamoDB Local). ` +
      'Events: an HTTP function gets a GET route of its own with the bench receptionist\'s claims (the caller is read from the table, then the route runs; a path id that does not exist answers 404), a stream, queue or SNS consumer an empty batch, the sweeper one sweep, the bare handler one GetItem. ' +
      'Times are taken inside the child (from before `import()` to the end of the first invocation): Node\'s own start-up, the same for all, is left out. On Lambda the init phase also downloads and unpacks the code, which grows with the bundle too.',
    '',
  ];
}

function inboxSection(rows: InboxResult[]): string[] {
  const first = rows[0]!;
  return [
    '### (e) Inbox latency as the inbox grows (GET /v1/conversations, first page)',
    '',
    table(
      ['Conversations of the caller', 'Requests', 'rows on the page', 'p50 ms', 'p99 ms', `p50 ÷ p50 at ${first.conversations}`, 'seeding'],
      rows.map((r) => [String(r.conversations), String(r.requests), String(r.rows), num(r.p50, 1), num(r.p99, 1), ratio(r.p50, first.p50), `${num(r.seedMs / 1000, 1)} s`]),
    ),
    '',
    'One member of staff per size; their participant states seeded with BatchWriteItem from the app\'s own item builders (`stateItem`, `conversationItem`), conversation items for the newest 50 (the first page reads no others). Latency by the HTTP client, one request at a time after 5 warm-up requests.',
    '',
  ];
}

/** Capacity per unit with its breakdown; a command that was called but reported 0 units shows as 0. */
function capacity(units: Record<string, number>, calls: Record<string, number>, per: number): string {
  if (Object.keys(units).length === 0) return 'n/a (DynamoDB Local reported no capacity)';
  const all = { ...Object.fromEntries(Object.keys(calls).map((k) => [k, 0])), ...units };
  return `${num(total(units) / per)} (${breakdown(all, per)})`;
}

try {
  // `npm run bench -- faults`: the fault-injection run (bench/faults.ts) instead of the measurements.
  if (process.argv.includes('faults')) {
    const { runFaults } = await import('./faults.js');
    const { markdown, ok } = await runFaults();
    process.stdout.write(`${markdown}\n`);
    process.exit(ok ? 0 : 1);
  }
  // `npm run bench -- inbound`: signed inbound SMS per second through the Twilio route, DynamoDB calls per message (bench/inbound.ts).
  if (process.argv.includes('inbound')) {
    const { runInbound } = await import('./inbound.js');
    const { markdown, ok } = await runInbound();
    process.stdout.write(`${markdown}\n`);
    process.exit(ok ? 0 : 1);
  }
  // `npm run bench -- attachments`: a 10 MB upload + complete, and the bytes complete read (bench/attachments.ts).
  if (process.argv.includes('attachments')) {
    const { runAttachments } = await import('./attachments.js');
    const { markdown, ok } = await runAttachments();
    process.stdout.write(`${markdown}\n`);
    process.exit(ok ? 0 : 1);
  }
  // `npm run bench -- load [--seconds N | --quick]`: the load run (bench/load.ts) instead of the measurements.
  if (process.argv.includes('load')) {
    const { loadSeconds, runLoad } = await import('./load.js');
    const { markdown, ok } = await runLoad(loadSeconds(process.argv), progress);
    process.stdout.write(`${markdown}\n`);
    process.exit(ok ? 0 : 1);
  }
  // `npm run bench -- broadcasts`: broadcasts and their floor alone (bench/broadcast.ts; BENCH_BROADCASTS=100000 for the largest).
  if (process.argv.includes('broadcasts')) {
    const { runBroadcasts } = await import('./broadcast.js');
    const { markdown, ok } = await runBroadcasts();
    process.stdout.write(`${markdown}\n`);
    process.exit(ok ? 0 : 1);
  }
  // `npm run bench -- participants`: start and reply in a 500-person conversation (bench/participants.ts).
  if (process.argv.includes('participants')) {
    const { runParticipants } = await import('./participants.js');
    const { markdown, ok } = await runParticipants();
    process.stdout.write(`${markdown}\n`);
    process.exit(ok ? 0 : 1);
  }
  const markdown = await main();
  process.stdout.write(`${markdown}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
