import { describe, expect, it } from 'vitest';
import { afterMessage, afterPatch, afterRead, inboxStatus } from '../../lambdas/domain/participant-state.js';

const open = { status: 'read' as const, archived: false, starred: false };

describe('Domain: per-participant state', () => {
  it('a message from someone else makes it unread; your own makes it replied; reading makes it read', () => {
    expect(afterMessage(open, { isAuthor: false }).status).toBe('unread');
    expect(afterMessage(open, { isAuthor: true }).status).toBe('replied');
    expect(afterRead({ ...open, status: 'unread' }).status).toBe('read');
  });

  it('a message from someone else brings an archived conversation back as unread, whoever wrote it (patient, staff, colleague)', () => {
    const archived = { ...open, archived: true, starred: true };
    expect(afterMessage(archived, { isAuthor: false })).toEqual({ status: 'unread', archived: false, starred: true });
    expect(inboxStatus(afterMessage(archived, { isAuthor: false }))).toBe('unread');
  });

  it('your own message leaves your archive archived', () => {
    const archived = { ...open, archived: true };
    expect(inboxStatus(afterMessage(archived, { isAuthor: true }))).toBe('archived');
    expect(afterMessage(archived, { isAuthor: true })).toEqual({ status: 'replied', archived: true, starred: false });
  });

  it('un-archiving goes back to read; starring touches nothing else', () => {
    const archived = { status: 'unread' as const, archived: true, starred: false };
    expect(afterPatch(archived, { archived: false })).toEqual({ status: 'read', archived: false, starred: false });
    expect(afterPatch(open, { starred: true })).toEqual({ ...open, starred: true });
  });
});
