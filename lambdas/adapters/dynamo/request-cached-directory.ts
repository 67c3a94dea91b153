/**
 * The directory with its record reads cached for the current request (lambdas/request-scope.ts):
 * a staff member or patient read twice in one request (by the auth step, then by the use case,
 * one by one or in a batch) is read from the table once. The practice settings and the staff by
 * role pass through uncached. Any other call (every write included) empties the request's cache
 * first, so nothing read before a write is served after it.
 * Outside a request scope (stream consumers, scripts) every call goes to the table.
 */
import type { DirectoryReader, PatientRecord, StaffRecord } from '../../use-cases/directory-ports.js';
import { requestCache } from '../../request-scope.js';

type Kind = 'staff' | 'patient';
const keyOf = (kind: Kind, practiceId: string, id: string) => `directory#${kind}#${practiceId}#${id}`;

function cachedOne<R>(kind: Kind, read: (practiceId: string, id: string) => Promise<R | null>) {
  return (practiceId: string, id: string): Promise<R | null> => {
    const cache = requestCache();
    if (!cache) return read(practiceId, id);
    const key = keyOf(kind, practiceId, id);
    if (!cache.has(key)) cache.set(key, read(practiceId, id));
    return cache.get(key) as Promise<R | null>;
  };
}

function cachedMany<R extends { id: string }>(kind: Kind, read: (practiceId: string, ids: readonly string[]) => Promise<R[]>) {
  return async (practiceId: string, ids: readonly string[]): Promise<R[]> => {
    const cache = requestCache();
    if (!cache) return read(practiceId, ids);
    const missing = [...new Set(ids)].filter((id) => !cache.has(keyOf(kind, practiceId, id)));
    if (missing.length > 0) {
      const fetched = read(practiceId, missing);
      for (const id of missing) cache.set(keyOf(kind, practiceId, id), fetched.then((rs) => rs.find((r) => r.id === id) ?? null));
    }
    const found = await Promise.all([...new Set(ids)].map((id) => cache.get(keyOf(kind, practiceId, id)) as Promise<R | null>));
    return found.filter((r): r is Awaited<R> => r !== null) as R[];
  };
}

export function requestCachedDirectory<T extends DirectoryReader>(directory: T): T {
  const reads: Partial<Record<keyof DirectoryReader, unknown>> = {
    getStaff: cachedOne<StaffRecord>('staff', (p, id) => directory.getStaff(p, id)),
    getPatient: cachedOne<PatientRecord>('patient', (p, id) => directory.getPatient(p, id)),
    getStaffMany: cachedMany<StaffRecord>('staff', (p, ids) => directory.getStaffMany(p, ids)),
    getPatients: cachedMany<PatientRecord>('patient', (p, ids) => directory.getPatients(p, ids)),
    // Reads that are not cached but leave the cache (and the read batch of this turn) as it is.
    getSettings: (p: string) => directory.getSettings(p),
    activeStaffByRole: (p: string, role: StaffRecord['role']) => directory.activeStaffByRole(p, role),
  };
  return new Proxy(directory, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in reads) return reads[prop as keyof DirectoryReader];
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        requestCache()?.clear();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
