/** Practice settings, staff and patients: call the use case. */
import * as uc from '../../use-cases/directory.js';
import { httpFunction } from '../../http/http-function.js';
import { directoryRoutes as routes } from '../../http/routes/directory.js';
import { directoryDeps as deps } from '../../wiring/directory.js';
import { httpOptions } from '../../wiring/http.js';
import { withAddressChecks } from './address-checks.js';

const staffAddresses = { email: ['email'], phone: ['phone'] };
const patientAddresses = { email: ['email'], phone: ['phone', 'whatsapp'] };

export const handler = httpFunction(
  routes,
  {
    getPracticeSettings: ({ caller }) => uc.getPracticeSettings(deps, caller),
    updatePracticeSettings: ({ caller, body }) => uc.updatePracticeSettings(deps, caller, body),
    createStaff: withAddressChecks<typeof routes.createStaff>(staffAddresses, ({ caller, body }, settings) =>
      uc.createStaff(deps, caller, body, settings.defaultRegion),
    ),
    listStaff: ({ caller, query }) => uc.listStaff(deps, caller, query),
    getStaff: ({ caller, params }) => uc.getStaff(deps, caller, params.id),
    updateStaff: withAddressChecks<typeof routes.updateStaff>(staffAddresses, ({ caller, params, body }, settings) =>
      uc.updateStaff(deps, caller, params.id, body, settings.defaultRegion),
    ),
    updateMe: ({ caller, body }) => uc.updateMe(deps, caller, body),
    createPatient: withAddressChecks<typeof routes.createPatient>(patientAddresses, ({ caller, body }, settings) =>
      uc.createPatient(deps, caller, body, settings),
    ),
    listPatients: ({ caller, query }) => uc.listPatients(deps, caller, query),
    getPatient: ({ caller, params }) => uc.getPatient(deps, caller, params.id),
    updatePatient: withAddressChecks<typeof routes.updatePatient>(patientAddresses, ({ caller, params, body }, settings) =>
      uc.updatePatient(deps, caller, params.id, body, settings),
    ),
  },
  httpOptions,
);
