import { beforeEach, describe, expect, it } from 'vitest';
import type { Party } from '../../../lambdas/domain/conversation-policy.js';
import { keys } from '../../../lambdas/adapters/dynamo/keys.js';
import type { AuditEvent } from '../../../lambdas/use-cases/audit.js';
import { deleteConversation, deleteMessage, type ConversationRecord, type MessageRecord } from '../../../lambdas/use-cases/conversations/index.js';
import { updateStaff, type DirectoryDeps } from '../../../lambdas/use-cases/directory.js';
import type { DirectoryRepository } from '../../../lambdas/use-cases/directory-ports.js';
import { caller } from '../helpers.js';
import { InMemoryAuditTrail, InMemoryDirectory, T0, conversationFakes, type Fakes } from './fakes.js';

// The adapter's module reads the table's name from the configuration when it loads.
process.env.TABLE_NAME ??= 'unit';
const { auditItem, auditPut } = await import('../../../lambdas/adapters/dynamo/audit-trail.js');

const NOW = '2026-11-30T12:00:00.000Z';
const pat: Party = { type: 'patient', id: 'pat', name: 'Patient pat', role: 'patient' };
const author: Party = { type: 'staff', id: 'receptionist-me', name: 'receptionist', role: 'receptionist' };

const conversation: ConversationRecord = {
  id: 'conv-1',
  kind: 'direct',
  channel: 'portal',
  subject: 'Results',
  participants: [author, pat],
  createdBy: { type: 'staff', id: 'receptionist-me' },
  createdAt: T0,
  lastMessageAt: T0,
  lastDirection: 'outbound',
};

const message: MessageRecord = {
  id: 'msg-1',
  conversationId: 'conv-1',
  channel: 'portal',
  direction: 'outbound',
  author: { type: 'staff', id: 'receptionist-me' },
  body: 'Your results are in.',
  attachments: [],
  createdAt: T0,
  deliveries: [],
};

async function refused(run: Promise<unknown>): Promise<void> {
  const e = await run.then(() => null, (error: unknown) => error);
  if (e === null) throw new Error('expected a refusal');
}

describe('Audit of deletions (use cases on in-memory ports)', () => {
  let f: Fakes;
  /** The message deletions written, each with the audit event of its transaction. */
  let deleted: { messageId: string; audit: AuditEvent }[];

  beforeEach(() => {
    f = conversationFakes();
    f.setNow(NOW);
    f.conversations.seed(conversation);
    deleted = [];
    f.deps.messages = {
      messages: async () => ({ items: [], nextCursor: null }),
      message: async (_p, _c, id) => (id === message.id && !deleted.some((d) => d.messageId === id) ? message : null),
      deleteMessage: async (_p, _c, m, audit) => void deleted.push({ messageId: m.id, audit }),
    };
  });

  it('a deleted message is audited in the same write: who, which message of which conversation, when', async () => {
    await deleteMessage(f.deps, caller('receptionist'), 'conv-1', 'msg-1');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.audit).toEqual({
      id: expect.any(String),
      practiceId: 'p',
      actor: { type: 'staff', id: 'receptionist-me' },
      action: 'message_deleted',
      target: { type: 'message', id: 'msg-1', conversationId: 'conv-1' },
      at: NOW,
    });
    // The event travels with the deletion, not as a separate write that could be lost.
    expect(f.audit.events).toEqual([]);
  });

  it('a deleted conversation is audited once the deletion has completed', async () => {
    await deleteConversation(f.deps, caller('admin'), 'conv-1');
    expect(f.conversations.conversations.has('conv-1')).toBe(false);
    expect(f.audit.events).toEqual([
      {
        id: expect.any(String),
        practiceId: 'p',
        actor: { type: 'staff', id: 'admin-me' },
        action: 'conversation_deleted',
        target: { type: 'conversation', id: 'conv-1' },
        at: NOW,
      },
    ]);
  });

  it('a refused deletion records nothing', async () => {
    await refused(deleteConversation(f.deps, caller('provider'), 'conv-1'));
    await refused(deleteMessage(f.deps, caller('provider'), 'conv-1', 'msg-1'));
    await refused(deleteConversation(f.deps, caller('admin'), 'no-such-conversation'));
    expect(f.audit.events).toEqual([]);
    expect(deleted).toEqual([]);
  });

  it('a deletion that fails records nothing', async () => {
    f.conversations.deleteConversation = async () => {
      throw new Error('throttled');
    };
    await refused(deleteConversation(f.deps, caller('admin'), 'conv-1'));
    expect(f.audit.events).toEqual([]);
  });
});

/** The directory with staff records that can be replaced (the version is `updatedAt`); `loseNext` makes the next replace lose a race. */
function staffDirectory(): InMemoryDirectory & { loseNext: boolean } {
  const directory = Object.assign(new InMemoryDirectory(), { loseNext: false });
  const replaceStaff: DirectoryRepository['replaceStaff'] = async (_p, staff, expectedUpdatedAt) => {
    if (directory.loseNext || directory.staff.get(staff.id)?.updatedAt !== expectedUpdatedAt) return false;
    directory.staff.set(staff.id, staff);
    return true;
  };
  return Object.assign(directory, { replaceStaff });
}

describe('Audit of staff changes (updateStaff on in-memory ports)', () => {
  let directory: ReturnType<typeof staffDirectory>;
  let audit: InMemoryAuditTrail;
  let deps: DirectoryDeps;

  beforeEach(() => {
    directory = staffDirectory();
    directory.addStaff('provider', 'dr-1');
    directory.staff.set('dr-1', { ...directory.staff.get('dr-1')!, email: 'old@example.com', phone: '+12025550143' });
    audit = new InMemoryAuditTrail();
    deps = { directory, reminders: { blockedContactsOf: async () => [] }, audit, now: () => new Date(NOW) };
  });

  it('names the fields that changed and who changed them, never their values', async () => {
    const input = { name: 'Dr Jane Roe', email: 'jane.roe@example.com', phone: '+12025550199', permissions: ['send_messages', 'manage_contacts'] as const };
    await updateStaff(deps, caller('admin'), 'dr-1', { ...input, permissions: [...input.permissions] }, 'US');
    expect(audit.events).toEqual([
      {
        id: expect.any(String),
        practiceId: 'p',
        actor: { type: 'staff', id: 'admin-me' },
        action: 'staff_changed',
        target: { type: 'staff', id: 'dr-1' },
        changed: ['name', 'email', 'phone', 'permissions'],
        at: NOW,
      },
    ]);
    const written = JSON.stringify(audit.events);
    for (const value of ['Jane', 'jane.roe', 'old@example.com', '2025550199', '2025550143', 'manage_contacts']) expect(written).not.toContain(value);
  });

  it('a member of staff made inactive (locked out) is audited as a status change', async () => {
    await updateStaff(deps, caller('admin'), 'dr-1', { status: 'inactive' }, 'US');
    expect(audit.events.map((e) => [e.action, e.target.id, e.changed])).toEqual([['staff_changed', 'dr-1', ['status']]]);
  });

  it('fields sent with the values they already had are not named; a PATCH that changes nothing records nothing', async () => {
    await updateStaff(deps, caller('admin'), 'dr-1', { name: 'provider dr-1', permissions: ['send_messages'], status: 'active' }, 'US');
    expect(audit.events).toEqual([]);
  });

  it('a refused or lost update records nothing', async () => {
    await refused(updateStaff(deps, caller('receptionist'), 'dr-1', { status: 'inactive' }, 'US'));
    directory.loseNext = true;
    await refused(updateStaff(deps, caller('admin'), 'dr-1', { status: 'inactive' }, 'US'));
    expect(audit.events).toEqual([]);
  });
});

describe('Audit items in the table', () => {
  const event: AuditEvent = {
    id: '01JDZ0000000000000000000AA',
    practiceId: 'p',
    actor: { type: 'staff', id: 'admin-me' },
    action: 'staff_changed',
    target: { type: 'staff', id: 'dr-1' },
    changed: ['status'],
    at: NOW,
  };

  it('sit in the practice’s audit partition, ordered by time, with no ttl (kept six years or more)', () => {
    const item = auditItem(event);
    expect(item).toMatchObject({ pk: 'P#p#AUDIT', sk: `EVENT#${NOW}#${event.id}`, type: 'AuditEvent', action: 'staff_changed' });
    expect(keys.auditEvent('p', NOW, event.id).pk.startsWith('P#p#')).toBe(true);
    expect(item).not.toHaveProperty('ttl');
  });

  it('are put once, never over another event (no update, no delete)', () => {
    expect(auditPut(event)).toEqual({ Put: expect.objectContaining({ Item: auditItem(event), ConditionExpression: 'attribute_not_exists(pk)' }) });
  });
});
