/**
 * Cold start: each bundle (bench/bundles.ts) imported and invoked once in a fresh Node process,
 * next to the bare handler (one DynamoDB client, one GetItem), against the same DynamoDB Local.
 * A child process runs a small runner that times `import()` of the bundle and the first
 * `handler(event, context)` with a fake event of the function's kind: for an HTTP function a GET
 * route of its own with the bench staff's claims (the caller is read, then the route runs), for a
 * stream, queue or SNS consumer an empty batch, for the sweeper one sweep, for the bare handler
 * one GetItem. Runs are interleaved (one round over every bundle, then the next) so that noise
 * on the machine falls on every bundle alike; the median of the runs is reported.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Bundles, BundleSize } from './bundles.js';
import { percentile } from './stats.js';

const run = promisify(execFile);
const MARK = 'COLD-START-RESULT ';

const RUNNER = `
const started = performance.now();
const mod = await import(process.argv[2]);
const imported = performance.now();
const event = JSON.parse(process.argv[3]);
const context = { awsRequestId: 'cold-start', functionName: 'cold-start', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cold-start', memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 10000 };
let failed = null;
try { await mod.handler(event, context); } catch (error) { failed = error instanceof Error ? error.name : String(error); }
const invoked = performance.now();
process.stdout.write('\\n${MARK}' + JSON.stringify({ importMs: imported - started, invokeMs: invoked - imported, failed }) + '\\n');
process.exit(0);
`;

export interface ColdStartTarget {
  practiceId: string;
  staffId: string;
  role: string;
  /** GET routes by function name: the route key and its path. */
  getRoutes: Record<string, { routeKey: string; path: string; auth: string }>;
}

export interface ColdStart {
  name: string;
  kind: string;
  bytes: number;
  importMs: number;
  invokeMs: number;
  totalMs: number;
  /** Error name of a first invocation that threw (it still counts: the code ran). */
  failed: string | null;
}

function httpEvent(t: ColdStartTarget, name: string): unknown {
  const r = t.getRoutes[name];
  if (!r) return { version: '2.0', routeKey: 'GET /nothing', rawPath: '/nothing', rawQueryString: '', headers: {}, requestContext: { requestId: 'cold-start', http: { method: 'GET', path: '/nothing' } }, isBase64Encoded: false };
  const params = Object.fromEntries([...r.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1] as string, 'cold-start-id']));
  const path = r.path.replace(/\{(\w+)\}/g, 'cold-start-id');
  return {
    version: '2.0',
    routeKey: r.routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { accept: 'application/json' },
    requestContext: {
      requestId: 'cold-start',
      routeKey: r.routeKey,
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      ...(r.auth === 'jwt' ? { authorizer: { jwt: { claims: { sub: t.staffId, practice_id: t.practiceId, role: t.role }, scopes: [] } } } : {}),
    },
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    isBase64Encoded: false,
  };
}

function eventFor(b: BundleSize, t: ColdStartTarget): unknown {
  switch (b.kind) {
    case 'floor':
      return { pk: `P#${t.practiceId}#STAFF#${t.staffId}`, sk: 'META' };
    case 'http':
      return httpEvent(t, b.name);
    case 'scheduled':
      return { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    case 'cognito':
      return {
        triggerSource: 'TokenGeneration_Authentication',
        request: { userAttributes: { 'custom:practice_id': t.practiceId, 'custom:role': 'admin' }, groupConfiguration: {} },
        response: { claimsAndScopeOverrideDetails: null },
      };
    default:
      return { Records: [] };
  }
}

async function once(runner: string, b: BundleSize, event: unknown): Promise<{ importMs: number; invokeMs: number; failed: string | null }> {
  const { stdout } = await run(process.execPath, [runner, b.file, JSON.stringify(event)], {
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'ERROR', NODE_OPTIONS: '' },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 60_000,
  });
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`cold start of ${b.name}: no result (stdout ${stdout.slice(0, 300)})`);
  return JSON.parse(line.slice(MARK.length)) as { importMs: number; invokeMs: number; failed: string | null };
}

export async function measureColdStarts(bundles: Bundles, target: ColdStartTarget, runs: number, progress: (s: string) => void): Promise<{ bare: ColdStart; functions: ColdStart[] }> {
  const runner = join(bundles.dir, 'cold-start-runner.mjs');
  writeFileSync(runner, RUNNER);
  const all = [bundles.bare, ...bundles.functions];
  const samples = new Map<string, { importMs: number[]; invokeMs: number[]; totalMs: number[]; failed: string | null }>();
  for (let r = 0; r < runs; r++) {
    progress(`cold start: round ${r + 1} of ${runs} over ${all.length} bundles`);
    for (const b of all) {
      const s = await once(runner, b, eventFor(b, target));
      const acc = samples.get(b.file) ?? { importMs: [], invokeMs: [], totalMs: [], failed: null };
      acc.importMs.push(s.importMs);
      acc.invokeMs.push(s.invokeMs);
      acc.totalMs.push(s.importMs + s.invokeMs);
      acc.failed ??= s.failed;
      samples.set(b.file, acc);
    }
  }
  const summary = (b: BundleSize): ColdStart => {
    const s = samples.get(b.file)!;
    return { name: b.name, kind: b.kind, bytes: b.bytes, importMs: percentile(s.importMs, 50), invokeMs: percentile(s.invokeMs, 50), totalMs: percentile(s.totalMs, 50), failed: s.failed };
  };
  return { bare: summary(bundles.bare), functions: bundles.functions.map(summary) };
}
