/**
 * Composition root: the adapters every HTTP handler group uses, created once per execution
 * environment and handed to the use cases. Use cases never import adapters themselves.
 */
import type { BlockReminderReader, DirectoryDeps } from '../../app/directory.js';
import { DynamoDirectoryRepository } from '../../adapters/dynamo/directory-repository.js';
import type { CallerDirectory } from '../../http/auth.js';

const directory = new DynamoDirectoryRepository();

/** No blocks exist until the blocked-contacts module is built; the reminder is then empty. */
const reminders: BlockReminderReader = { blockedContactsOf: async () => [] };

export const directoryDeps: DirectoryDeps = { directory, reminders, now: () => new Date() };

export const callerDirectory = (): CallerDirectory => ({
  async findStaffEntry(practiceId, id) {
    const s = await directory.getStaff(practiceId, id);
    return s ? { name: s.name, role: s.role, permissions: s.permissions } : null;
  },
  async findPatientEntry(practiceId, id) {
    const p = await directory.getPatient(practiceId, id);
    return p ? { name: p.name, role: 'patient', permissions: [] } : null;
  },
});
