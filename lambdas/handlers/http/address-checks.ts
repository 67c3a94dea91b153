/**
 * Routes whose body holds emails and phones: the practice settings are read once, phones are
 * read with the practice's defaultRegion and listed beside the schema's own errors, and the
 * settings are handed on to the use case.
 */
import type { Caller } from '../../domain/caller.js';
import type { PreparedRoute, RouteContext, RouteResult } from '../../http/http-function.js';
import type { RouteSpec } from '../../http/route-record.js';
import { contactFieldErrors } from '../../use-cases/directory.js';
import type { PracticeSettingsRecord } from '../../use-cases/directory-ports.js';
import { directoryDeps } from '../../wiring/directory.js';

export interface AddressFields {
  email?: readonly string[];
  phone?: readonly string[];
}

export const withAddressChecks = <R extends RouteSpec>(
  fields: AddressFields,
  run: (ctx: RouteContext<R>, settings: PracticeSettingsRecord) => Promise<RouteResult<R>>,
): PreparedRoute<R, PracticeSettingsRecord> => ({
  prepare: ({ caller }) => directoryDeps.directory.getSettings((caller as Caller).practiceId),
  fieldErrors: (raw, settings) => contactFieldErrors(raw, fields, settings.defaultRegion),
  run,
});
