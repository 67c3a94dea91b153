/**
 * Per-participant conversation state: each participant's own status, archive and star.
 * A message from someone else makes it unread for you; your own message makes it replied;
 * reading makes it read; an inbound message brings an archived conversation back as unread.
 */
export type ReadStatus = 'unread' | 'read' | 'replied';
export type InboxStatus = ReadStatus | 'archived';

export interface ParticipantState {
  status: ReadStatus;
  archived: boolean;
  starred: boolean;
}

export function afterMessage(
  state: ParticipantState,
  event: { isAuthor: boolean; direction: 'inbound' | 'outbound' | 'internal' },
): ParticipantState {
  if (event.isAuthor) return { ...state, status: 'replied' };
  return {
    ...state,
    status: 'unread',
    archived: state.archived && event.direction !== 'inbound',
  };
}

export const afterRead = (state: ParticipantState): ParticipantState => ({ ...state, status: 'read' });

export function afterPatch(state: ParticipantState, patch: { archived?: boolean | undefined; starred?: boolean | undefined }): ParticipantState {
  let next = { ...state };
  if (patch.starred !== undefined) next.starred = patch.starred;
  if (patch.archived === true) next.archived = true;
  if (patch.archived === false && state.archived) next = { ...next, archived: false, status: 'read' };
  return next;
}

export const inboxStatus = (s: ParticipantState): InboxStatus => (s.archived ? 'archived' : s.status);
