/**
 * Chat settings: the practice default (with `applyTo: new|all`), and the reader that gives
 * every patient their effective settings (own, else most restrictive group, else the practice
 * default that applies to them by creation time). Group chat settings are changed in contacts/groups.ts;
 * a patient's groups are read by key (the group ids kept beside the patient), never by a Query.
 */
import { requireRole, requireStaff, type Caller } from '../domain/caller.js';
import { currentDefault, practiceDefaultFor, type ApplyTo, type ChatDefaultChange } from '../domain/chat-default.js';
import { EMAIL_NOTIFICATIONS_BY_DEFAULT, defaultChatSettings, effectiveChat, type EffectiveChat, type PartialChatSettings } from '../domain/chat-settings.js';
import type { Clock } from './clock.js';
import type { DirectoryRepository, PatientRecord, PracticeSettingsRecord } from './directory-ports.js';

export interface ChatSettingsDeps {
  directory: DirectoryRepository;
  now: Clock;
}

export interface PracticeChatView {
  directMessaging: boolean;
  communityChat: boolean;
  emailNotifications: boolean;
  changes: ChatDefaultChange[];
  updatedAt: string | null;
}

const practiceChatView = (s: PracticeSettingsRecord): PracticeChatView => ({
  directMessaging: s.chatDefault.directMessaging,
  communityChat: s.chatDefault.communityChat,
  emailNotifications: s.chatDefault.emailNotifications ?? EMAIL_NOTIFICATIONS_BY_DEFAULT,
  changes: s.chatChanges,
  updatedAt: s.chatChanges.length ? (s.chatChanges[s.chatChanges.length - 1] as ChatDefaultChange).at : null,
});

export async function getPracticeChat(deps: ChatSettingsDeps, caller: Caller): Promise<PracticeChatView> {
  requireStaff(caller);
  return practiceChatView(await deps.directory.getSettings(caller.practiceId));
}

export async function updatePracticeChat(
  deps: ChatSettingsDeps,
  caller: Caller,
  input: { directMessaging: boolean; communityChat: boolean; emailNotifications?: boolean | undefined; applyTo: ApplyTo },
): Promise<PracticeChatView> {
  requireRole(caller, ['admin']);
  // emailNotifications left out keeps the current default's value.
  const emailNotifications =
    input.emailNotifications ??
    currentDefault((await deps.directory.getSettings(caller.practiceId)).chatChanges).emailNotifications ??
    EMAIL_NOTIFICATIONS_BY_DEFAULT;
  const change: ChatDefaultChange = {
    directMessaging: input.directMessaging,
    communityChat: input.communityChat,
    emailNotifications,
    applyTo: input.applyTo,
    at: deps.now().toISOString(),
  };
  return practiceChatView(await deps.directory.recordChatDefault(caller.practiceId, change));
}

/** The practice default that applies to a patient, by when they were created. */
export const practiceDefaultOf = (settings: PracticeSettingsRecord, createdAt: string) =>
  practiceDefaultFor(settings.chatChanges, createdAt, defaultChatSettings);

/** Effective chat of patients, computed the same way wherever it is needed (patient record, send rules). */
export interface ChatSettingsReader {
  /**
   * `groupIds`: each patient's group ids when already read (groupIdsOf, started with the patients'
   * own read): then only the groups are read, and only when a patient's own setting leaves a value open.
   */
  effectiveFor(
    practiceId: string,
    patients: readonly PatientRecord[],
    settings: PracticeSettingsRecord,
    groupIds?: ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, EffectiveChat>>;
  /** The ids of each patient's groups (read by key: a send starts it together with its other reads). */
  groupIdsOf(practiceId: string, patientIds: readonly string[]): Promise<Map<string, string[]>>;
}

/** Group chat settings by key: the group ids kept beside each patient, then the groups. */
export interface GroupChats {
  groupIdsOf(practiceId: string, patientIds: readonly string[]): Promise<Map<string, string[]>>;
  /** The chat settings of those of these groups that have one. */
  chatsOf(practiceId: string, groupIds: readonly string[]): Promise<Map<string, PartialChatSettings>>;
}

/** Does a patient's own setting leave a value to their groups? */
const leavesToGroups = (p: PatientRecord): boolean => !p.chat || p.chat.emailNotifications === undefined;

export const chatSettingsReader = (groups: GroupChats): ChatSettingsReader => ({
  groupIdsOf: (practiceId, patientIds) => (patientIds.length ? groups.groupIdsOf(practiceId, patientIds) : Promise.resolve(new Map())),
  async effectiveFor(practiceId, patients, settings, known) {
    const out = new Map<string, EffectiveChat>();
    if (patients.length === 0) return out;
    // Groups are read only for patients whose own setting does not cover every value.
    const without = patients.filter(leavesToGroups).map((p) => p.id);
    const groupIds = known ?? (without.length ? await groups.groupIdsOf(practiceId, without) : new Map<string, string[]>());
    const wanted = [...new Set(without.flatMap((id) => groupIds.get(id) ?? []))];
    const chats = wanted.length ? await groups.chatsOf(practiceId, wanted) : new Map<string, PartialChatSettings>();
    for (const p of patients) {
      const ofGroups: PartialChatSettings[] = leavesToGroups(p)
        ? (groupIds.get(p.id) ?? []).map((g) => chats.get(g)).filter((c): c is PartialChatSettings => !!c)
        : [];
      out.set(p.id, effectiveChat(p.chat, ofGroups, practiceDefaultOf(settings, p.createdAt)));
    }
    return out;
  },
});
