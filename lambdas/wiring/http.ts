/**
 * What every HTTP function with a paged list is handed: the caller check, the directory reader
 * and Idempotency-Key of ./caller.ts, and the cursor key (Secrets Manager on AWS). Each function's
 * own composition is beside this file (lambdas/wiring/<area>.ts), so a bundle carries only the
 * adapters its routes call.
 */
import { cursorKey } from '../adapters/providers/cursor-key.js';
import type { HttpFunctionOptions } from '../http/http-function.js';
import { unpagedHttpOptions } from './caller.js';

export { callerDirectory, directory } from './caller.js';

export const httpOptions: HttpFunctionOptions = { ...unpagedHttpOptions, cursorKey };
