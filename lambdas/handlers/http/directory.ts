/** Practice settings, staff and patients: parse, call the use case, answer. */
import * as uc from '../../use-cases/directory.js';
import { bodyOf, httpHandler, paramOf, queryOf } from '../../http/handler.js';
import { idempotent } from '../../http/idempotency.js';
import { created, ok } from '../../http/responses.js';
import * as s from '../../http/schemas/directory.js';
import { callerDirectory, directoryDeps as deps } from '../../wiring.js';

const regionOf = async (practiceId: string) => deps.directory.getSettings(practiceId);

export const handler = httpHandler(
  {
    'GET /v1/settings/practice': async (req) => ok(await uc.getPracticeSettings(deps, req.caller)),

    'PATCH /v1/settings/practice': async (req) =>
      ok(await uc.updatePracticeSettings(deps, req.caller, bodyOf(req, s.UpdatePracticeSettings))),

    'POST /v1/staff': (req) =>
      idempotent(req, async () => {
        const { defaultRegion } = await regionOf(req.caller.practiceId);
        const body = bodyOf(req, s.CreateStaff, (raw) =>
          uc.contactFieldErrors(raw, { email: ['email'], phone: ['phone'] }, defaultRegion),
        );
        return created(await uc.createStaff(deps, req.caller, body, defaultRegion));
      }),

    'GET /v1/staff': async (req) => ok(await uc.listStaff(deps, req.caller, queryOf(req, s.ListStaffQuery))),

    'GET /v1/staff/{id}': async (req) => ok(await uc.getStaff(deps, req.caller, paramOf(req, 'id'))),

    'PATCH /v1/staff/{id}': async (req) => {
      const { defaultRegion } = await regionOf(req.caller.practiceId);
      const body = bodyOf(req, s.UpdateStaff, (raw) =>
        uc.contactFieldErrors(raw, { email: ['email'], phone: ['phone'] }, defaultRegion),
      );
      return ok(await uc.updateStaff(deps, req.caller, paramOf(req, 'id'), body, defaultRegion));
    },

    'POST /v1/patients': (req) =>
      idempotent(req, async () => {
        const settings = await regionOf(req.caller.practiceId);
        const body = bodyOf(req, s.CreatePatient, (raw) =>
          uc.contactFieldErrors(raw, { email: ['email'], phone: ['phone', 'whatsapp'] }, settings.defaultRegion),
        );
        return created(await uc.createPatient(deps, req.caller, body, settings));
      }),

    'GET /v1/patients': async (req) => ok(await uc.listPatients(deps, req.caller, queryOf(req, s.ListPatientsQuery))),

    'GET /v1/patients/{id}': async (req) => ok(await uc.getPatient(deps, req.caller, paramOf(req, 'id'))),

    'PATCH /v1/patients/{id}': async (req) => {
      const settings = await regionOf(req.caller.practiceId);
      const body = bodyOf(req, s.UpdatePatient, (raw) =>
        uc.contactFieldErrors(raw, { email: ['email'], phone: ['phone', 'whatsapp'] }, settings.defaultRegion),
      );
      return ok(await uc.updatePatient(deps, req.caller, paramOf(req, 'id'), body, settings));
    },
  },
  callerDirectory,
);
