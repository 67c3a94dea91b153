/**
 * The practice-level chat default a patient gets, from the history of practice changes. Pure.
 *
 * Each `PATCH /v1/settings/chat` is a change with a time and an `applyTo`:
 * - `all` applies to every patient (whenever created);
 * - `new` applies only to patients created at or after the change.
 * A patient's practice default is the latest change that applies to them, else the built-in
 * default. Everything before the latest `all` change can never apply again, so it is dropped.
 */
import { defaultChatSettings, type ChatSettings } from './chat-settings.js';

export type ApplyTo = 'new' | 'all';

export interface ChatDefaultChange extends ChatSettings {
  applyTo: ApplyTo;
  /** ISO-8601 UTC time of the change. */
  at: string;
}

const byTime = (a: ChatDefaultChange, b: ChatDefaultChange) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

/** The changes in time order, without those made before the latest `all` change. */
export function compactChanges(changes: readonly ChatDefaultChange[]): ChatDefaultChange[] {
  const sorted = [...changes].sort(byTime);
  let lastAll = -1;
  sorted.forEach((c, i) => {
    if (c.applyTo === 'all') lastAll = i;
  });
  return lastAll <= 0 ? sorted : sorted.slice(lastAll);
}

/** The history after recording `change`. */
export function withChange(changes: readonly ChatDefaultChange[], change: ChatDefaultChange): ChatDefaultChange[] {
  return compactChanges([...changes, change]);
}

/** The practice default for a patient created at `createdAt`. */
export function practiceDefaultFor(
  changes: readonly ChatDefaultChange[],
  createdAt: string,
  base: ChatSettings = defaultChatSettings,
): ChatSettings {
  let value: ChatSettings = base;
  for (const c of [...changes].sort(byTime)) {
    if (c.applyTo === 'all' || c.at <= createdAt) value = settingsOf(c, value);
  }
  return settingsOf(value, base);
}

/** The default a patient created now gets: the latest change, whatever its applyTo. */
export function currentDefault(changes: readonly ChatDefaultChange[], base: ChatSettings = defaultChatSettings): ChatSettings {
  let value = settingsOf(base, {});
  for (const c of [...changes].sort(byTime)) value = settingsOf(c, value);
  return value;
}

/**
 * The settings a change (or default) holds. A change without emailNotifications (recorded before
 * it existed) keeps the value in force before it (`before`); none at all means the built-in one.
 */
function settingsOf(c: ChatSettings, before: Partial<ChatSettings>): ChatSettings {
  const emailNotifications = c.emailNotifications ?? before.emailNotifications;
  return {
    directMessaging: c.directMessaging,
    communityChat: c.communityChat,
    ...(emailNotifications !== undefined ? { emailNotifications } : {}),
  };
}
