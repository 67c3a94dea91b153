import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/routes.js';
import { generatedApiTypes, openApiJson } from '../../openapi-artifacts.js';

const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

describe('OpenAPI document', () => {
  it("passes Redocly's recommended rules with no error and no warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, openApiJson());
      const lint = await run(join(root, 'node_modules/.bin/redocly'), ['lint', file, '--extends', 'recommended', '--format', 'json'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(lint.stdout) as LintReport;
      const found = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
      expect(found).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('docs/openapi.json and the generated client types are those of the code (npm run openapi)', async () => {
    expect(readFileSync(join(root, 'docs/openapi.json'), 'utf8')).toBe(openApiJson());
    expect(readFileSync(join(root, 'test/integration/api-types.ts'), 'utf8')).toBe(await generatedApiTypes());
  });

  it('names every operation once, and documents every route with its success and its errors', () => {
    const doc = JSON.parse(openApiJson()) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
      expect(Object.keys(op?.responses ?? {})).toContain(String(route.success.status));
      expect(Object.keys(op?.responses ?? {}).some((s) => s.startsWith('4'))).toBe(true);
    }
  });
});
