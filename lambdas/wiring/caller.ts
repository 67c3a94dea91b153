/**
 * What every HTTP function serving a practice is handed, without the cursor key: the directory
 * reader (its staff and patient reads cached per request, so the auth step's read serves the use
 * case too), the caller check and Idempotency-Key on the table. Functions with no paged list
 * (attachments, broadcasts, channels) take `unpagedHttpOptions` from here, so their bundles carry
 * no Secrets Manager client; the others take `httpOptions` (./http.ts: these and the cursor key).
 */
import { DynamoDirectoryReader } from '../adapters/dynamo/directory-reader.js';
import { requestCachedDirectory } from '../adapters/dynamo/request-cached-directory.js';
import { DynamoIdempotencyStore } from '../adapters/dynamo/idempotency-store.js';
import { config } from '../config.js';
import type { CallerDirectory } from '../http/auth.js';
import type { HttpFunctionOptions } from '../http/http-function.js';
import { idempotency } from '../http/idempotency.js';
import type { DirectoryReader } from '../use-cases/directory-ports.js';

/**
 * Staff and patient records read once per request (the auth step's read serves the use case too).
 * Reads only: the directory function composes the writes (./directory.ts) over the same request
 * cache, so no function that only reads bundles the search tokens' phone formatting.
 */
export const directory: DirectoryReader = requestCachedDirectory(new DynamoDirectoryReader());

export const callerDirectory = (): CallerDirectory => ({
  async findStaffEntry(practiceId, id) {
    const s = await directory.getStaff(practiceId, id);
    return s ? { name: s.name, role: s.role, permissions: s.permissions, status: s.status } : null;
  },
  async findPatientEntry(practiceId, id) {
    const p = await directory.getPatient(practiceId, id);
    return p ? { name: p.name, role: 'patient', permissions: [] } : null;
  },
});

/** For a function none of whose routes pages a list (test/unit/http/unpaged-functions.test.ts checks). */
export const unpagedHttpOptions: HttpFunctionOptions = {
  directory: callerDirectory,
  idempotent: idempotency(new DynamoIdempotencyStore(), { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS }),
};
