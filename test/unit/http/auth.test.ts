import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { resolveCaller, type CallerDirectory, type DirectoryEntry } from '../../../lambdas/http/auth.js';

const eventFor = (sub: string, role: string) =>
  ({ requestContext: { authorizer: { jwt: { claims: { sub, practice_id: 'p1', role } } } } }) as unknown as APIGatewayProxyEventV2;

const directoryOf = (staff: Record<string, DirectoryEntry>): CallerDirectory => ({
  findStaffEntry: async (_p, id) => staff[id] ?? null,
  findPatientEntry: async () => null,
});

const kindOf = async (sub: string, role: string, directory: CallerDirectory) => {
  try {
    return (await resolveCaller(eventFor(sub, role), directory)).kind;
  } catch (e) {
    return (e as { kind: string }).kind;
  }
};

describe('Auth: staff status', () => {
  const directory = directoryOf({
    active: { name: 'A', role: 'receptionist', permissions: [], status: 'active' },
    unset: { name: 'U', role: 'receptionist', permissions: [] },
    gone: { name: 'G', role: 'receptionist', permissions: ['send_messages'], status: 'inactive' },
    goneAdmin: { name: 'GA', role: 'admin', permissions: [], status: 'inactive' },
  });

  it('active staff (or staff recorded before status existed) are callers', async () => {
    expect(await kindOf('active', 'receptionist', directory)).toBe('staff');
    expect(await kindOf('unset', 'receptionist', directory)).toBe('staff');
    expect(await kindOf('no-record-admin', 'admin', directory)).toBe('staff');
  });

  it('inactive staff are unknown callers, admins with an inactive record too', async () => {
    expect(await kindOf('gone', 'receptionist', directory)).toBe('unknown_caller');
    expect(await kindOf('goneAdmin', 'admin', directory)).toBe('unknown_caller');
  });
});
