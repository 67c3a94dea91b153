/**
 * Each Lambda bundle's size, built the way lib/constructs/handler-function.ts has CDK build it:
 * esbuild, ESM, node22, minified, everything bundled (AWS SDK included), the same
 * createRequire banner. Built into a temporary folder that is removed afterwards; the size is
 * the .mjs file (the separate source map CDK also writes is not counted).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { functionEntries } from '../lib/routes.js';
import { streamConsumers } from '../lib/stream-consumers.js';

const root = resolve(import.meta.dirname, '..');
const BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface BundleSize {
  name: string;
  kind: 'http' | 'stream';
  entry: string;
  bytes: number;
  /** The three largest contributors (npm package or "own code"), bytes in the output. */
  largest: { what: string; bytes: number }[];
}

function contributors(meta: Metafile): { what: string; bytes: number }[] {
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
    .slice(0, 3);
}

export async function measureBundles(): Promise<BundleSize[]> {
  const out = mkdtempSync(join(tmpdir(), 'practice-messaging-bundles-'));
  try {
    const entries = [
      ...Object.entries(functionEntries).map(([name, entry]) => ({ name, entry, kind: 'http' as const })),
      ...streamConsumers.map((c) => ({ name: c.name, entry: c.entry, kind: 'stream' as const })),
    ];
    const sizes: BundleSize[] = [];
    for (const e of entries) {
      const outfile = join(out, `${e.kind}-${e.name}`, 'index.mjs');
      const result = await build({
        entryPoints: [join(root, e.entry)],
        outfile,
        bundle: true,
        minify: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: { js: BANNER },
        sourcemap: true,
        metafile: true,
        logLevel: 'silent',
      });
      sizes.push({ name: e.name, kind: e.kind, entry: e.entry, bytes: statSync(outfile).size, largest: contributors(result.metafile) });
    }
    return sizes;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
