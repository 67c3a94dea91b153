import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../lib/constructs/handler-function.js';
import { buildApp } from '../../lib/stacks/app.js';
import { tableKeys } from '../../lib/table-definition.js';
import { newApp, production } from './new-app.js';

/**
 * Items that may expire through the table's TTL, by the one module that writes the TTL
 * attribute on them. Audit items (block records and their history events, contact block
 * history) must never appear here: HIPAA asks for six years, and TTL deletes within days.
 */
const EXPIRING_ITEM_WRITERS = [
  'lambdas/adapters/dynamo/idempotency-store.ts',
  // Attachment records (not audit items: a message stores its files' name, type, size and key itself) carry a TTL
  // while pending and when rejected, like the lifecycle rule on never-completed uploads; settling ready removes it.
  'lambdas/adapters/dynamo/attachment-repository.ts',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('audit events kept six years (issue 9 item 8)', () => {
  it('only the idempotency store writes the TTL attribute: no audit item can expire', () => {
    const attribute = tableKeys.ttlAttribute;
    // `ttl: ...` in an item, `'ttl'` / `"#ttl"` in an expression, or the definition's name for it.
    const writesTtl = new RegExp(`['"#]${attribute}['"]|\\b${attribute}\\s*:|ttlAttribute`);
    const writers = sourceFiles(join(repositoryRoot, 'lambdas'))
      .filter((file) => writesTtl.test(readFileSync(file, 'utf8')))
      .map((file) => relative(repositoryRoot, file).split('\\').join('/'));
    expect(writers.sort()).toEqual([...EXPIRING_ITEM_WRITERS].sort());
  });

  it('the table holding the audit items is retained, deletion-protected and point-in-time recoverable in production', () => {
    const { stateful } = buildApp(newApp(production));
    const tables = Object.values(Template.fromStack(stateful).findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });
});
