/** The directory's record reads cached for one request: the same staff member or patient is read once; a write empties the cache. */
import { describe, expect, it } from 'vitest';
import { requestCachedDirectory } from '../../../lambdas/adapters/dynamo/request-cached-directory.js';
import { inRequestScope } from '../../../lambdas/request-scope.js';
import type { DirectoryRepository } from '../../../lambdas/use-cases/directory-ports.js';

function countingDirectory() {
  const calls: string[] = [];
  const patients = new Map([
    ['pat-1', { id: 'pat-1', name: 'Pat' }],
    ['pat-2', { id: 'pat-2', name: 'Sam' }],
  ]);
  const staff = new Map([['staff-1', { id: 'staff-1', name: 'Robin' }]]);
  const repo = {
    async getStaff(_p: string, id: string) {
      calls.push(`getStaff ${id}`);
      return staff.get(id) ?? null;
    },
    async getStaffMany(_p: string, ids: readonly string[]) {
      calls.push(`getStaffMany ${ids.join(',')}`);
      return ids.flatMap((id) => (staff.has(id) ? [staff.get(id)!] : []));
    },
    async getPatient(_p: string, id: string) {
      calls.push(`getPatient ${id}`);
      return patients.get(id) ?? null;
    },
    async getPatients(_p: string, ids: readonly string[]) {
      calls.push(`getPatients ${ids.join(',')}`);
      return ids.flatMap((id) => (patients.has(id) ? [patients.get(id)!] : []));
    },
    async getSettings(_p: string) {
      calls.push('getSettings');
      return { name: null };
    },
    async updatePatient(_p: string, id: string, name: string) {
      calls.push(`updatePatient ${id}`);
      patients.set(id, { id, name });
    },
  };
  return { calls, repo: requestCachedDirectory(repo as unknown as DirectoryRepository & typeof repo) };
}

describe('request-cached directory', () => {
  it('reads a patient once per request: the auth step\'s read serves the use case\'s batch, and only the others are fetched', async () => {
    const { calls, repo } = countingDirectory();
    const found = await inRequestScope(async () => {
      await repo.getPatient('p', 'pat-1');
      return repo.getPatients('p', ['pat-1', 'pat-2', 'missing']);
    });
    expect(found.map((p) => p.id)).toEqual(['pat-1', 'pat-2']);
    expect(calls).toEqual(['getPatient pat-1', 'getPatients pat-2,missing']);
  });

  it('reads the same staff member once per request, one by one or in a batch', async () => {
    const { calls, repo } = countingDirectory();
    await inRequestScope(async () => {
      await Promise.all([repo.getStaff('p', 'staff-1'), repo.getStaff('p', 'staff-1')]);
      expect((await repo.getStaffMany('p', ['staff-1'])).map((s) => s.id)).toEqual(['staff-1']);
    });
    expect(calls).toEqual(['getStaff staff-1']);
  });

  it('serves nothing read before a write after it', async () => {
    const { calls, repo } = countingDirectory();
    const after = await inRequestScope(async () => {
      await repo.getPatient('p', 'pat-1');
      await repo.updatePatient('p', 'pat-1', 'Patricia');
      return repo.getPatient('p', 'pat-1');
    });
    expect(after?.name).toBe('Patricia');
    expect(calls).toEqual(['getPatient pat-1', 'updatePatient pat-1', 'getPatient pat-1']);
  });

  it('the settings read passes through uncached and leaves the cache as it is (a send reads it with the patients)', async () => {
    const { calls, repo } = countingDirectory();
    await inRequestScope(async () => {
      await repo.getPatient('p', 'pat-1');
      await Promise.all([repo.getSettings('p'), repo.getSettings('p')]);
      await repo.getPatients('p', ['pat-1']);
    });
    expect(calls).toEqual(['getPatient pat-1', 'getSettings', 'getSettings']);
  });

  it('caches nothing across requests, nor outside one, nor across practices', async () => {
    const { calls, repo } = countingDirectory();
    await inRequestScope(() => repo.getPatient('p', 'pat-1'));
    await inRequestScope(async () => {
      await repo.getPatient('p', 'pat-1');
      await repo.getPatient('other-practice', 'pat-1');
    });
    await repo.getPatient('p', 'pat-1');
    await repo.getPatient('p', 'pat-1');
    expect(calls).toEqual(Array(5).fill('getPatient pat-1'));
  });
});
