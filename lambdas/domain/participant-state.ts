/**
 * Per-participant conversation state: each participant's own status, archive and star.
 * A message from someone else makes it unread for you; your own message makes it replied;
 * reading makes it read; a message from someone else also brings an archived conversation back
 * as unread, whoever wrote it and whichever way it goes (inbound, outbound or between staff).
 */
export type ReadStatus = 'unread' | 'read' | 'replied';
export type InboxStatus = ReadStatus | 'archived';

export interface ParticipantState {
  status: ReadStatus;
  archived: boolean;
  starred: boolean;
}

/** Your own message leaves your archive as it is; anyone else's brings the conversation back. */
export function afterMessage(state: ParticipantState, event: { isAuthor: boolean }): ParticipantState {
  if (event.isAuthor) return { ...state, status: 'replied' };
  return { ...state, status: 'unread', archived: false };
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
