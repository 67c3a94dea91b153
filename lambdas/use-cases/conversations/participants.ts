/**
 * Who a send is addressed to, and which participant states it writes itself. A role participant
 * (`{ type: "role", role }`) stands for every active staff member with that role when the
 * conversation starts: a snapshot, later hires are not added. A conversation of up to
 * INLINE_PARTICIPANTS people is written in one transaction with every participant's state; a
 * larger one writes the author's state and leaves the others to the stream (participants-fanout.ts),
 * so a reply reads one state, not hundreds (by key, with its other reads).
 */
import type { Caller, StaffRole } from '../../domain/caller.js';
import type { Party } from '../../domain/conversation-policy.js';
import { isParty } from './facts.js';
import { statesAfter } from './new-message.js';
import type { ConversationDeps, ConversationRecord, PartyRef, StateRecord } from './ports.js';

/** Up to this many participants a send writes every state itself (the old one-transaction limit). */
export const INLINE_PARTICIPANTS = 15;

export type NamedParticipant = { type: 'patient' | 'staff'; id: string } | { type: 'role'; role: StaffRole };
export type PersonRef = { type: 'patient' | 'staff'; id: string };

/** Role participants replaced by the active staff members with that role (one index Query per role), in order, each once. */
export async function expandRoles(deps: Pick<ConversationDeps, 'directory'>, caller: Caller, named: readonly NamedParticipant[]): Promise<PersonRef[]> {
  const roles = [...new Set(named.flatMap((p) => (p.type === 'role' ? [p.role] : [])))];
  const members = new Map<StaffRole, PersonRef[]>();
  await Promise.all(
    roles.map(async (role) => {
      const staff = await deps.directory.activeStaffByRole(caller.practiceId, role);
      members.set(role, staff.filter((s) => s.status === 'active' && s.role === role).map((s) => ({ type: 'staff' as const, id: s.id })));
    }),
  );
  return named.flatMap((p) => (p.type === 'role' ? (members.get(p.role) ?? []) : [{ type: p.type, id: p.id }]));
}

/** Does a send into a conversation of these participants write every state in its transaction? */
export const writesEveryState = (participants: readonly unknown[]): boolean => participants.length <= INLINE_PARTICIPANTS;

/** The states a start writes itself: everyone's in a small conversation, the author's in a large one. */
export function startStates(c: ConversationRecord, participants: readonly Party[], author: PartyRef, at: string): StateRecord[] {
  const written = writesEveryState(participants) ? participants : participants.filter((p) => isParty(p, author));
  return statesAfter(c, written, [], author, at);
}

/** Whose states a reply writes itself (and reads first): every participant's in a small conversation, the author's in a large one. */
export const replyStateParties = (participants: readonly Party[], author: PartyRef): PartyRef[] =>
  (writesEveryState(participants) ? participants : participants.filter((p) => isParty(p, author))).map((p) => ({ type: p.type, id: p.id }));

/**
 * The states a reply writes itself, each over the archive and star it was read with (`existing`:
 * the states of replyStateParties, read by key with the reply's other reads).
 */
export function replyStates(
  c: ConversationRecord,
  participants: readonly Party[],
  author: PartyRef,
  at: string,
  existing: readonly StateRecord[],
): StateRecord[] {
  const written = writesEveryState(participants) ? participants : participants.filter((p) => isParty(p, author));
  return statesAfter(c, written, existing, author, at).map((s) => ({ ...s, ...readAs(existing, s) }));
}

/** The archive and star a state was read with (none for a state this send creates). */
function readAs(existing: readonly StateRecord[], s: StateRecord): Pick<StateRecord, 'readAs'> {
  const prior = existing.find((e) => isParty(e.party, s.party));
  return prior ? { readAs: { archived: prior.archived, starred: prior.starred } } : {};
}
