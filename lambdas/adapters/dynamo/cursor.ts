/**
 * A list's position: the query's LastEvaluatedKey, base64url JSON. Clients never see it as
 * is: the HTTP layer seals it (encrypted, authenticated, bound to practice, caller and list:
 * lambdas/http/sealed-cursor.ts). Here it is still only accepted for the partition it came
 * from, with string or number values, so a position can never reach another partition or
 * become a DynamoDB error.
 */
import { invalidCursor } from '../../domain/errors.js';

type Key = Record<string, string | number>;

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined, partition: { attribute: string; value: string }): Key | undefined {
  if (cursor === undefined) return undefined;
  const invalid = invalidCursor;
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
