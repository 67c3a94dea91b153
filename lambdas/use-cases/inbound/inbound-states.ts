/** The participant states an inbound message leaves: unread (and out of the archive) for everyone but its sender. */
import { ulid } from 'ulid';
import type { ConversationRecord, PartyRef, StateRecord } from '../conversations/ports.js';
import { statesAfter } from '../conversations/new-message.js';

export const newMessageId = (at: string): string => ulid(Date.parse(at));

/**
 * `statesAfter` of the conversations module (the sender's own state is `replied`; the others
 * `unread`, archived ones back in the inbox), each carrying the archive and star it was read
 * with, so a concurrent reply does not conflict while an archive or star set meanwhile re-runs it.
 */
export function statesAfterInbound(c: ConversationRecord, existing: readonly StateRecord[], sender: PartyRef, at: string): StateRecord[] {
  return statesAfter(c, c.participants, existing, sender, at).map((s) => {
    const prior = existing.find((e) => e.party.type === s.party.type && e.party.id === s.party.id);
    return prior ? { ...s, readAs: { archived: prior.archived, starred: prior.starred } } : s;
  });
}
