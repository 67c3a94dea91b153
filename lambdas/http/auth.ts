/**
 * The caller, from the JWT claims that the authorizer verified (API Gateway's Cognito JWT
 * authorizer on AWS, the local issuer on a laptop), checked against the practice directory.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isRole, isStaffRole, type Caller, type Permission } from '../domain/caller.js';
import { unauthorized, unknownCaller } from '../domain/errors.js';

export interface DirectoryEntry {
  name: string;
  role: string;
  permissions: readonly Permission[];
  /** Staff only: an inactive member of staff may not call at all. Absent means active. */
  status?: 'active' | 'inactive';
}

/** The port the auth step reads the directory through. */
export interface CallerDirectory {
  findStaffEntry(practiceId: string, id: string): Promise<DirectoryEntry | null>;
  findPatientEntry(practiceId: string, id: string): Promise<DirectoryEntry | null>;
}

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export function claimsOf(event: APIGatewayProxyEventV2): Record<string, unknown> | null {
  const ctx = event.requestContext as unknown as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
  return ctx.authorizer?.jwt?.claims ?? null;
}

/** The practice the verified token names, when usable (before the caller is checked against the directory). */
export function claimedPracticeId(event: APIGatewayProxyEventV2): string | null {
  const practiceId = claimsOf(event)?.['practice_id'];
  return typeof practiceId === 'string' && ID.test(practiceId) ? practiceId : null;
}

export async function resolveCaller(event: APIGatewayProxyEventV2, directory: CallerDirectory): Promise<Caller> {
  const claims = claimsOf(event);
  if (!claims) throw unauthorized();
  // On AWS a Cognito `sub` is the user's own UUID; the pre-token trigger adds `directory_id`
  // when the directory record has another id. Locally `sub` is the directory id itself.
  const id = claims['directory_id'] ?? claims['sub'];
  const practiceId = claims['practice_id'];
  const role = claims['role'];
  if (typeof id !== 'string' || !ID.test(id)) throw unauthorized('The token has no usable sub claim.');
  if (typeof practiceId !== 'string' || !ID.test(practiceId)) {
    throw unauthorized('The token has no usable practice_id claim.');
  }
  if (typeof role !== 'string' || !isRole(role)) throw unauthorized('The token has no usable role claim.');

  if (role === 'patient') {
    const entry = await directory.findPatientEntry(practiceId, id);
    if (!entry) throw unknownCaller();
    return { practiceId, id, role, kind: 'patient', name: entry.name, permissions: [] };
  }
  const entry = await directory.findStaffEntry(practiceId, id);
  // Inactive takes effect at once: the record is read on every call.
  if (entry?.status === 'inactive') throw unknownCaller();
  if (role === 'admin') {
    // The operator provisions admins in the user pool; a staff record is optional for them.
    if (entry && entry.role !== 'admin') throw unknownCaller();
    return { practiceId, id, role, kind: 'staff', name: entry?.name ?? null, permissions: [] };
  }
  if (!entry || entry.role !== role || !isStaffRole(entry.role)) throw unknownCaller();
  return { practiceId, id, role, kind: 'staff', name: entry.name, permissions: entry.permissions };
}
