/**
 * Opaque list cursors: the query's LastEvaluatedKey, base64url JSON. A cursor is only accepted
 * for the partition it came from, so a hand-made cursor cannot reach another practice's items
 * (and a broken one is a 400, not a DynamoDB error).
 */
import { validationFailed } from '../../domain/errors.js';

type Key = Record<string, string | number>;

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, partition: { attribute: string; value: string }): Key | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => validationFailed([{ path: 'cursor', message: 'Not a cursor from this list' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > 4 || !entries.every(([, v]) => typeof v === 'string' || typeof v === 'number')) throw invalid();
  const key = parsed as Key;
  if (key[partition.attribute] !== partition.value) throw invalid();
  return key;
}
