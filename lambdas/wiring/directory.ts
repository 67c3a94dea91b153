/** The directory function's composition (staff, patients, settings) and the chat settings reads. */
import { activeBlocks } from '../adapters/dynamo/active-blocks.js';
import { DynamoAuditTrail } from '../adapters/dynamo/audit-trail.js';
import { DynamoDirectoryRepository } from '../adapters/dynamo/directory-repository.js';
import { requestCachedDirectory } from '../adapters/dynamo/request-cached-directory.js';
import { DynamoGroupRepository } from '../adapters/dynamo/group-repository.js';
import { blockReminders } from '../use-cases/blocks/index.js';
import { chatSettingsReader, type ChatSettingsDeps } from '../use-cases/chat-settings.js';
import { systemClock } from '../use-cases/clock.js';
import type { DirectoryDeps } from '../use-cases/directory.js';

/**
 * Staff, patients and settings with their writes; reads cached per request in the same cache as
 * the caller check's reader (./http.ts), and every write empties it (request-cached-directory.ts).
 */
const directory = requestCachedDirectory(new DynamoDirectoryRepository());

/** Effective chat (own, else groups, else the practice default by creation time), for patient records. */
const chat = chatSettingsReader(new DynamoGroupRepository());

export const directoryDeps: DirectoryDeps = {
  directory,
  reminders: blockReminders(activeBlocks),
  chat,
  /** Audit events (deletions, staff changes): append-only, kept for the life of the table. */
  audit: new DynamoAuditTrail(),
  now: systemClock,
};

export const chatSettingsDeps: ChatSettingsDeps = { directory, now: systemClock };
