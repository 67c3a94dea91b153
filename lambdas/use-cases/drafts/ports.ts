/** Ports of the draft use cases: drafts are stored per author, so nobody else can even address one. */
import type { ComposeChannel } from '../../domain/conversation-policy.js';
import type { ConversationDeps, PartyRef } from '../conversations/ports.js';
import type { Page, PageRequest } from '../page.js';

/** A participant as a start names it (patient or staff by id, or a role: kept as given, checked at send). */
export type DraftParticipant = { type: 'patient' | 'staff'; id: string } | { type: 'role'; role: string };

/** The message fields a draft may hold, any subset. */
export interface DraftFields {
  conversationId?: string | undefined;
  channel?: ComposeChannel | undefined;
  subject?: string | undefined;
  participants?: DraftParticipant[] | undefined;
  body?: string | undefined;
  bodyFormat?: 'text' | 'html' | undefined;
  attachmentIds?: string[] | undefined;
}

export const draftFieldNames = ['conversationId', 'channel', 'subject', 'participants', 'body', 'bodyFormat', 'attachmentIds'] as const;
export type DraftFieldName = (typeof draftFieldNames)[number];

export interface DraftRecord extends DraftFields {
  id: string;
  author: PartyRef;
  createdAt: string;
  updatedAt: string;
}

/** A PATCH: a field set to null is removed, an absent one is kept. */
export type DraftPatch = { [K in DraftFieldName]?: DraftFields[K] | null };

export interface DraftRepository {
  create(practiceId: string, draft: DraftRecord): Promise<void>;
  /** null when the author has no draft with that id. */
  get(practiceId: string, author: PartyRef, id: string): Promise<DraftRecord | null>;
  /** The author's drafts, newest first. */
  list(practiceId: string, author: PartyRef, page: PageRequest): Promise<Page<DraftRecord>>;
  /** Applies the patch to an existing draft; null when it does not exist. */
  update(practiceId: string, author: PartyRef, id: string, patch: DraftPatch, updatedAt: string): Promise<DraftRecord | null>;
  /** false when there was no such draft. */
  delete(practiceId: string, author: PartyRef, id: string): Promise<boolean>;
}

export interface DraftDeps extends ConversationDeps {
  drafts: DraftRepository;
}
