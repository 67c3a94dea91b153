import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/routes.js';

/**
 * A function composed with `unpagedHttpOptions` (lambdas/wiring/caller.ts) has no cursor key, so
 * its bundle carries no Secrets Manager client: none of its routes may page a list (a cursor in
 * or a nextCursor out would fail at run time). Read from the handlers and the generated document.
 */
const root = resolve(import.meta.dirname, '../../..');
const doc = JSON.parse(readFileSync(resolve(root, 'docs/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};

/** The schema with every $ref replaced by what it names (cycles cut). */
function resolved(node: unknown, seen = new Set<string>()): unknown {
  if (Array.isArray(node)) return node.map((n) => resolved(n, seen));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as { $ref?: string }).$ref;
  if (ref) {
    const name = ref.replace('#/components/schemas/', '');
    return seen.has(name) ? {} : resolved(doc.components.schemas[name], new Set([...seen, name]));
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolved(v, seen)]));
}

const unpaged = [...new Set(routes.map((r) => r.fn))].filter((fn) =>
  readFileSync(resolve(root, `lambdas/handlers/http/${fn}.ts`), 'utf8').includes('unpagedHttpOptions'),
);

describe('functions without a cursor key', () => {
  it('are attachments, broadcasts and channels', () => {
    expect(unpaged.sort()).toEqual(['attachments', 'broadcasts', 'channels']);
  });

  it('have no route that takes a cursor or answers a nextCursor', () => {
    const checked = routes.filter((r) => unpaged.includes(r.fn));
    expect(checked.length).toBeGreaterThan(5);
    for (const r of checked) {
      const operation = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(operation, r.operationId).toBeDefined();
      const text = JSON.stringify(resolved(operation));
      expect(text.includes('"cursor"'), `${r.operationId}: cursor`).toBe(false);
      expect(text.includes('nextCursor'), `${r.operationId}: nextCursor`).toBe(false);
    }
  });

  it('a paged function does answer a nextCursor (the check sees one)', () => {
    const list = routes.find((r) => r.fn === 'directory' && r.method === 'GET' && r.path === '/v1/patients');
    expect(JSON.stringify(resolved(doc.paths[list!.path]![list!.method.toLowerCase()]))).toContain('nextCursor');
  });
});
