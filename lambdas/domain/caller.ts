/** Who is calling, and what staff permissions mean. Pure. */
import { forbidden } from './errors.js';

export const staffRoles = ['admin', 'receptionist', 'provider', 'biller'] as const;
export type StaffRole = (typeof staffRoles)[number];
export const roles = [...staffRoles, 'patient'] as const;
export type Role = (typeof roles)[number];

export const permissions = ['send_messages', 'manage_contacts'] as const;
export type Permission = (typeof permissions)[number];

export interface Caller {
  practiceId: string;
  id: string;
  role: Role;
  kind: 'staff' | 'patient';
  /** Display name from the directory; null for an admin who has no staff record. */
  name: string | null;
  /** From the staff record; an admin holds every permission. Patients hold none. */
  permissions: readonly Permission[];
}

export const isStaffRole = (role: string): role is StaffRole =>
  (staffRoles as readonly string[]).includes(role);
export const isRole = (role: string): role is Role => (roles as readonly string[]).includes(role);

export function hasPermission(caller: Caller, permission: Permission): boolean {
  return caller.role === 'admin' || caller.permissions.includes(permission);
}

export function requirePermission(caller: Caller, permission: Permission): void {
  if (!hasPermission(caller, permission)) {
    throw forbidden(`This action needs the ${permission} permission.`);
  }
}

export function requireRole(caller: Caller, allowed: readonly Role[]): void {
  if (!allowed.includes(caller.role)) {
    throw forbidden(`This action is for ${allowed.join(' or ')} only.`);
  }
}

export function requireStaff(caller: Caller): void {
  if (caller.kind !== 'staff') throw forbidden('This action is for staff only.');
}
