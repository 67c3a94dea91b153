import { describe, expect, it } from 'vitest';
import { keys } from '../../../lambdas/adapters/dynamo/keys.js';

/**
 * Not tenant partition keys: a sort key (inside a partition that already carries the practice),
 * the delivery sweeper's system lease shards and open-tally partition (read across practices by the sweeper alone), and
 * the channel claims (`CHANNEL#<kind>#<destination>`): a webhook finds the practice by its
 * destination before any practice is known, so that key cannot start with one; the claim item
 * names its practice and is written only in the practice's own channel-settings transaction.
 */
const SORT_KEY_BUILDERS = new Set(['contactSortKey', 'deliveryLease', 'leaseShards', 'tallyLease', 'channelClaim']);

describe('tenant prefix on every key', () => {
  const practice = 'practice-7';
  const entries = Object.entries(keys) as [string, (...args: unknown[]) => unknown][];

  it.each(entries.filter(([name]) => !SORT_KEY_BUILDERS.has(name)))('%s: every partition key starts with P#<practice>#', (name, build) => {
    // The practice is the first argument of every key builder; the rest are ids, names or indexes.
    const args = [practice, ...Array.from({ length: Math.max(0, build.length - 1) }, (_, i) => `arg${i}`)];
    const out = build(...args);
    const partitionKeys =
      typeof out === 'string'
        ? [out]
        : Object.entries(out as Record<string, unknown>)
            .filter(([attribute]) => attribute.endsWith('pk'))
            .map(([, value]) => value);
    expect(partitionKeys.length, name).toBeGreaterThan(0);
    for (const pk of partitionKeys) expect(pk, name).toMatch(new RegExp(`^P#${practice}#`));
  });
});
