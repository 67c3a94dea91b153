/**
 * Each Lambda bundle's size next to the floor: a bare handler that bundles one DynamoDB client
 * and does one GetItem (bench/bare-handler.ts), built in the same run with the same options.
 * Every bundle is built exactly as CDK builds it (lib/lambda-bundling.ts: esbuild, ESM, node22,
 * minified, everything bundled, AWS SDK included, the createRequire banner, `__LAMBDA_BUNDLE__`,
 * the aliases: environment-only credentials, no postcss). The bare handler is also built without
 * the aliases, as a reference row (the floor the issue first measured: the SDK's Node credential chain).
 * The bundles stay in a temporary folder for the cold-start runs; `remove()` deletes it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../lib/lambda-bundling.js';

const root = resolve(import.meta.dirname, '..');
export const BARE = 'bare (one DynamoDB client, one GetItem)';
/** The same bare handler without lib/lambda-bundling.ts's aliases (the SDK's whole Node credential chain): a reference row. */
export const BARE_DEFAULT_CHAIN = 'bare, the SDK default credential chain (reference)';

export interface BundleSize {
  name: string;
  /** http, stream, queue, scheduled, sns, cognito, or `floor` for the bare handler. */
  kind: string;
  entry: string;
  /** The built module (index.mjs), for the cold-start runs. */
  file: string;
  bytes: number;
  /** The largest contributors (npm package or "own code"), bytes in the output. */
  largest: { what: string; bytes: number }[];
  /** Whether classic zod (not zod/mini), the SQS client or every zod locale made it into the bundle. */
  contains: { classicZod: boolean; sqsClient: boolean; allOfZod: boolean };
}

export interface Bundles {
  dir: string;
  bare: BundleSize;
  functions: BundleSize[];
  remove: () => void;
}

function contributors(meta: Metafile, top = 5): { what: string; bytes: number }[] {
  const by = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const what = m ? (m[1] as string) : 'own code';
      by.set(what, (by.get(what) ?? 0) + bytesInOutput);
    }
  }
  return [...by.entries()]
    .map(([what, bytes]) => ({ what, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/** Every module under lambdas/handlers/<kind>/ that exports `handler`: each is one function's entry. */
export function lambdaEntries(): { name: string; kind: string; entry: string }[] {
  const base = join(root, 'lambdas/handlers');
  const out: { name: string; kind: string; entry: string }[] = [];
  for (const kind of readdirSync(base).sort()) {
    if (!statSync(join(base, kind)).isDirectory()) continue;
    for (const file of readdirSync(join(base, kind)).sort()) {
      if (!file.endsWith('.ts')) continue;
      const source = readFileSync(join(base, kind, file), 'utf8');
      if (!/export (const|async function|function) handler\b/.test(source)) continue;
      out.push({ name: file.replace(/\.ts$/, ''), kind, entry: `lambdas/handlers/${kind}/${file}` });
    }
  }
  return out;
}

async function bundle(dir: string, e: { name: string; kind: string; entry: string }, aliases = true): Promise<BundleSize> {
  const outfile = join(dir, `${e.kind}-${e.name.replace(/[^\w-]+/g, '-')}`, 'index.mjs');
  const result = await build({
    entryPoints: [join(root, e.entry)],
    outfile,
    ...esbuildOptions(root, { aliases }),
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
  });
  // Modules with bytes in the output (the metafile's inputs also list what was shaken out).
  const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([p]) => p));
  return {
    ...e,
    file: outfile,
    bytes: statSync(outfile).size,
    largest: contributors(result.metafile),
    contains: {
      classicZod: inputs.some((p) => p.includes('node_modules/zod/v4/classic/')),
      sqsClient: inputs.some((p) => p.includes('node_modules/@aws-sdk/client-sqs/')),
      allOfZod: inputs.some((p) => p.includes('node_modules/zod/v4/locales/he.js')),
    },
  };
}

export async function measureBundles(): Promise<Bundles> {
  const dir = mkdtempSync(join(tmpdir(), 'practice-messaging-bundles-'));
  try {
    const bare = await bundle(dir, { name: BARE, kind: 'floor', entry: 'bench/bare-handler.ts' });
    const functions: BundleSize[] = [await bundle(dir, { name: BARE_DEFAULT_CHAIN, kind: 'floor', entry: 'bench/bare-handler.ts' }, false)];
    for (const e of lambdaEntries()) functions.push(await bundle(dir, e));
    return { dir, bare, functions, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
