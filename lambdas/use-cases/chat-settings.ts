/**
 * Chat settings: the practice default (with `applyTo: new|all`), and the reader that gives
 * every patient their effective settings (own, else most restrictive group, else the practice
 * default that applies to them by creation time). Group chat settings are changed in contacts/groups.ts.
 */
import { requireRole, requireStaff, type Caller } from '../domain/caller.js';
import { currentDefault, practiceDefaultFor, type ApplyTo, type ChatDefaultChange } from '../domain/chat-default.js';
import { EMAIL_NOTIFICATIONS_BY_DEFAULT, defaultChatSettings, effectiveChat, type EffectiveChat, type PartialChatSettings } from '../domain/chat-settings.js';
import type { GroupChatReader } from './contacts/ports.js';
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
  effectiveFor(practiceId: string, patients: readonly PatientRecord[], settings: PracticeSettingsRecord): Promise<Map<string, EffectiveChat>>;
}

export const chatSettingsReader = (groups: GroupChatReader): ChatSettingsReader => ({
  async effectiveFor(practiceId, patients, settings) {
    const out = new Map<string, EffectiveChat>();
    if (patients.length === 0) return out;
    // Groups are read only for patients whose own setting does not cover every value.
    const without = patients.filter((p) => !p.chat || p.chat.emailNotifications === undefined).map((p) => p.id);
    const groupChats = without.length ? await groups.groupChatOf(practiceId, without) : new Map<string, PartialChatSettings[]>();
    for (const p of patients) {
      const ofGroups: PartialChatSettings[] = groupChats.get(p.id) ?? [];
      out.set(p.id, effectiveChat(p.chat, ofGroups, practiceDefaultOf(settings, p.createdAt)));
    }
    return out;
  },
});
