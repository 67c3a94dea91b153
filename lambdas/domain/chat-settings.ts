/**
 * Effective chat settings of a patient: the patient's own setting wins; else the most
 * restrictive of their groups'; else the practice default. Pure.
 */
export interface ChatSettings {
  directMessaging: boolean;
  communityChat: boolean;
}
export type PartialChatSettings = Partial<ChatSettings>;
export type ChatSource = 'patient' | 'group' | 'practice';
export type EffectiveChat = Record<keyof ChatSettings, { value: boolean; source: ChatSource }>;

export const defaultChatSettings: ChatSettings = { directMessaging: true, communityChat: true };

export function effectiveChat(
  own: PartialChatSettings | null | undefined,
  groups: readonly PartialChatSettings[],
  practiceDefault: ChatSettings,
): EffectiveChat {
  const pick = (key: keyof ChatSettings) => {
    const mine = own?.[key];
    if (mine !== undefined) return { value: mine, source: 'patient' as const };
    const groupValues = groups.map((g) => g[key]).filter((v): v is boolean => v !== undefined);
    if (groupValues.length > 0) return { value: groupValues.every(Boolean), source: 'group' as const };
    return { value: practiceDefault[key], source: 'practice' as const };
  };
  return { directMessaging: pick('directMessaging'), communityChat: pick('communityChat') };
}
