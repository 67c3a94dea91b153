/** Percentiles, counter deltas and number formatting for the benchmark tables. */
export interface CallStats {
  calls: Record<string, number>;
  capacityUnits: Record<string, number>;
}

/** Nearest-rank percentile of a sample (p in 0..100). */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function diff(after: CallStats, before: CallStats): CallStats {
  const sub = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([k, v]) => [k, v - (b[k] ?? 0)] as const)
        .filter(([, v]) => v !== 0),
    );
  return { calls: sub(after.calls, before.calls), capacityUnits: sub(after.capacityUnits, before.capacityUnits) };
}

export const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Up to 2 decimals, trailing zeros dropped; small non-zero values keep two significant digits. */
export function num(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n !== 0 && Math.abs(n) < 10 ** -digits) return String(Number(n.toPrecision(2)));
  return String(Number(n.toFixed(digits)));
}

/** "PutItem 1, TransactWriteItems 1" per unit (divided by `per`), largest first. */
export function breakdown(r: Record<string, number>, per: number): string {
  const entries = Object.entries(r).sort(([, a], [, b]) => b - a);
  if (entries.length === 0) return '0';
  return entries.map(([k, v]) => `${k} ${num(v / per)}`).join(', ');
}

export function table(headers: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
