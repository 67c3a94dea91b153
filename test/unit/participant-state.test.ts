import { describe, expect, it } from 'vitest';
import { afterMessage, afterPatch, afterRead, inboxStatus } from '../../lambdas/domain/participant-state.js';

const open = { status: 'read' as const, archived: false, starred: false };

describe('Domain: per-participant state', () => {
  it('a message from someone else makes it unread; your own makes it replied; reading makes it read', () => {
    expect(afterMessage(open, { isAuthor: false, direction: 'outbound' }).status).toBe('unread');
    expect(afterMessage(open, { isAuthor: true, direction: 'outbound' }).status).toBe('replied');
    expect(afterRead({ ...open, status: 'unread' }).status).toBe('read');
  });

  it('an inbound message brings an archived conversation back as unread; other messages leave it archived', () => {
    const archived = { ...open, archived: true };
    expect(inboxStatus(afterMessage(archived, { isAuthor: false, direction: 'inbound' }))).toBe('unread');
    expect(inboxStatus(afterMessage(archived, { isAuthor: false, direction: 'internal' }))).toBe('archived');
  });

  it('un-archiving goes back to read; starring touches nothing else', () => {
    const archived = { status: 'unread' as const, archived: true, starred: false };
    expect(afterPatch(archived, { archived: false })).toEqual({ status: 'read', archived: false, starred: false });
    expect(afterPatch(open, { starred: true })).toEqual({ ...open, starred: true });
  });
});
