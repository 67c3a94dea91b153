/** Helpers shared by the unit test files. */
import type { Caller, Role } from '../../lambdas/domain/caller.js';

/** A caller of practice `p` with `role` (staff may send messages unless `over` says otherwise). */
export const caller = (role: Role, over: Partial<Caller> = {}): Caller => ({
  practiceId: 'p',
  id: `${role}-me`,
  role,
  kind: role === 'patient' ? 'patient' : 'staff',
  name: role,
  permissions: ['send_messages'],
  ...over,
});
