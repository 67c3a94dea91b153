/**
 * Effective chat settings of a patient: the patient's own setting wins; else the most
 * restrictive of their groups'; else the practice default. Pure. `emailNotifications` (the
 * content-free "you have a new message" email of portal messages) is a setting like the others;
 * where it was never set it is true.
 */
export interface ChatSettings {
  directMessaging: boolean;
  communityChat: boolean;
  emailNotifications?: boolean;
}
export type PartialChatSettings = Partial<ChatSettings>;
export type ChatSource = 'patient' | 'group' | 'practice';
export type ChatSettingName = keyof ChatSettings;
export type EffectiveChat = Record<ChatSettingName, { value: boolean; source: ChatSource }>;

export const chatSettingNames = ['directMessaging', 'communityChat', 'emailNotifications'] as const satisfies readonly ChatSettingName[];

export const defaultChatSettings: ChatSettings = { directMessaging: true, communityChat: true };
/** `emailNotifications` wherever nobody set it: on. */
export const EMAIL_NOTIFICATIONS_BY_DEFAULT = true;

export function effectiveChat(
  own: PartialChatSettings | null | undefined,
  groups: readonly PartialChatSettings[],
  practiceDefault: ChatSettings,
): EffectiveChat {
  const pick = (key: ChatSettingName) => {
    const mine = own?.[key];
    if (mine !== undefined) return { value: mine, source: 'patient' as const };
    const groupValues = groups.map((g) => g[key]).filter((v): v is boolean => v !== undefined);
    if (groupValues.length > 0) return { value: groupValues.every(Boolean), source: 'group' as const };
    return { value: practiceDefault[key] ?? EMAIL_NOTIFICATIONS_BY_DEFAULT, source: 'practice' as const };
  };
  return { directMessaging: pick('directMessaging'), communityChat: pick('communityChat'), emailNotifications: pick('emailNotifications') };
}
