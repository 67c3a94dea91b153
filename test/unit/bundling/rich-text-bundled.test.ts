/**
 * The rich-text rule as a Lambda bundle builds it (lib/lambda-bundling.ts: postcss aliased to a
 * stub whose parse throws, htmlparser2 to its Parser module alone) answers exactly as the unbundled module with the real postcss, for
 * every OWASP case and for markup full of style attributes: no input reaches postcss.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../../lib/lambda-bundling.js';
import * as unbundled from '../../../lambdas/domain/rich-text.js';
import { xssCases } from '../../fixtures/xss-cases.js';

const root = resolve(import.meta.dirname, '../../..');
type RichText = Pick<typeof unbundled, 'sanitizeRichText' | 'textOfHtml' | 'messageBody'>;
let dir: string;
let bundled: RichText;
let code: string;

const styled = [
  '<p style="color:red">red</p>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<a href="https://x.example/" style="position:fixed;top:0">link</a>',
  '<div style="}{ broken css">para</div><span style="a:b">s</span>',
  '<h1 style="font-size:99px" class="c" id="i">Head</h1><ul style="x"><li style="y">item</li></ul>',
  '<table style="width:100%"><tr style="z"><td style="q">cell</td></tr></table>',
  '<style>p{color:red}</style><p>after</p>',
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rich-text-bundle-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `export { sanitizeRichText, textOfHtml, messageBody } from ${JSON.stringify(join(root, 'lambdas/domain/rich-text.ts'))};\n`);
  const outfile = join(dir, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    ...esbuildOptions(root),
    logLevel: 'silent',
  });
  code = readFileSync(outfile, 'utf8');
  bundled = (await import(pathToFileURL(outfile).href)) as RichText;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const outcome = (f: () => unknown): unknown => {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: (e as Error).message };
  }
};

describe('rich text in a bundle (postcss stubbed)', () => {
  it('carries no postcss, and of htmlparser2 only its Parser (no DOM serializer)', () => {
    expect(code.includes('CssSyntaxError')).toBe(false);
    expect(code.includes('postcss is not bundled')).toBe(true); // the stub is what sanitize-html imports
    expect(code.includes('clipPathUnits')).toBe(false); // dom-serializer's foreign attribute names
  });

  it.each([...xssCases.map((c) => c.html), ...styled].map((html, i) => [i, html] as const))('case %i: sanitised, its text and the message body as unbundled', (_i, html) => {
    expect(bundled.sanitizeRichText(html)).toBe(unbundled.sanitizeRichText(html));
    expect(bundled.textOfHtml(html)).toBe(unbundled.textOfHtml(html));
    expect(outcome(() => bundled.messageBody('html', html))).toEqual(outcome(() => unbundled.messageBody('html', html)));
  });

  it('drops every style attribute', () => {
    for (const html of styled) expect(bundled.sanitizeRichText(html), html).not.toContain('style');
  });
});
