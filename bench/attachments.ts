/**
 * `npm run bench -- attachments`: uploads through the presigned POST (a real multipart form to
 * s3rver) and `complete`, for a 10 MB file and a 10 KB one: latency of each step, and the bytes
 * `complete` read from S3 (counted in the S3 adapter: HeadObject reads none, the check one ranged
 * GET). The bytes read must stay a few KB whatever the size; the run fails otherwise.
 *
 * Knobs (environment): BENCH_ATTACHMENT_RUNS (5 per size).
 */
import { ulid } from 'ulid';
import { startLocal } from '../lib/local/runtime.js';
import { apiClient, expectStatus } from './api.js';
import { describeMachine } from './machine.js';
import { num, percentile, table } from './stats.js';

const RUNS = Number(process.env['BENCH_ATTACHMENT_RUNS'] ?? 5);
const SIZES = [10_485_760, 10_240];
/** What "a few KB" means for the check: the adapter's ranged GET is 8 KiB. */
const MAX_READ = 16 * 1024;

const progress = (line: string) => process.stderr.write(`[attachments ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function pdfOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(new TextEncoder().encode('%PDF-1.7\n% bench\n'));
  return bytes;
}

interface Row {
  size: number;
  create: number[];
  upload: number[];
  complete: number[];
  read: number[];
  gets: number[];
}

export async function runAttachments(): Promise<{ markdown: string; ok: boolean }> {
  const machine = describeMachine();
  const date = new Date().toISOString();
  progress('starting the local runtime');
  const runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR' });
  try {
    const { s3BytesRead, resetS3BytesRead } = await import('../lambdas/adapters/s3/file-store.js');
    const call = apiClient(runtime.url);
    const practiceId = `bench-files-${ulid().toLowerCase()}`;
    const adminToken = await runtime.issuer.sign({ practiceId, sub: 'admin-root', role: 'admin' });
    const staffRes = await call('POST', '/v1/staff', { token: adminToken, body: { name: 'Bench Files', role: 'receptionist', permissions: ['send_messages'] } });
    expectStatus(staffRes, 201, 'create staff');
    const token = await runtime.issuer.sign({ practiceId, sub: staffRes.body.id, role: 'receptionist' });

    const rows: Row[] = [];
    for (const size of SIZES) {
      const bytes = pdfOf(size);
      const row: Row = { size, create: [], upload: [], complete: [], read: [], gets: [] };
      for (let i = 0; i < RUNS + 1; i++) {
        const created = await call('POST', '/v1/attachments', { token, body: { fileName: `bench-${i}.pdf`, contentType: 'application/pdf', size } });
        expectStatus(created, 201, 'create attachment');
        const form = new FormData();
        for (const [k, v] of Object.entries(created.body.upload.fields as Record<string, string>)) form.append(k, v);
        form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), 'bench.pdf');
        const t0 = performance.now();
        const up = await fetch(created.body.upload.url, { method: 'POST', body: form });
        await up.arrayBuffer();
        const uploadMs = performance.now() - t0;
        if (up.status >= 300) throw new Error(`upload: ${up.status}`);
        resetS3BytesRead();
        const done = await call('POST', `/v1/attachments/${created.body.id}/complete`, { token });
        expectStatus(done, 200, 'complete');
        if (done.body.status !== 'ready') throw new Error(`complete: ${JSON.stringify(done.body)}`);
        const read = s3BytesRead();
        if (i === 0) continue; // warm-up
        row.create.push(created.ms);
        row.upload.push(uploadMs);
        row.complete.push(done.ms);
        row.read.push(read.bytes);
        row.gets.push(read.gets);
      }
      rows.push(row);
      progress(`${size} bytes: complete p50 ${num(percentile(row.complete, 50))} ms, read ${Math.max(...row.read)} bytes`);
    }

    const ok = rows.every((r) => r.read.every((b) => b <= MAX_READ) && r.gets.every((g) => g === 1));
    const ms = (xs: number[]) => `${num(percentile(xs, 50))} / ${num(Math.max(...xs))}`;
    const markdown = [
      `### Attachments: upload and complete (${date.slice(0, 10)})`,
      '',
      `Machine: ${machine.cpuModel}, ${machine.nproc} CPUs, Node ${machine.node}. Local runtime (DynamoDB Local, s3rver); ${RUNS} runs per size after one warm-up. Latency p50 / max in ms.`,
      '',
      table(
        ['file', 'POST /v1/attachments', 'multipart POST to S3', 'complete', 'bytes complete read from S3', 'GetObject calls'],
        rows.map((r) => [
          r.size >= 1_000_000 ? `${num(r.size / 1_048_576, 1)} MiB PDF` : `${num(r.size / 1024, 0)} KiB PDF`,
          ms(r.create),
          ms(r.upload),
          ms(r.complete),
          `${Math.max(...r.read)} (max)`,
          `${Math.max(...r.gets)}`,
        ]),
      ),
      '',
      ok ? `Check: complete read at most ${MAX_READ} bytes and one ranged GetObject per file, whatever its size.` : 'CHECK FAILED: complete read more than a few KB.',
    ].join('\n');
    return { markdown, ok };
  } finally {
    await runtime.stop();
  }
}
