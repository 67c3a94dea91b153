/** A contact's status follows the active blocks of its addresses (issue 14 item 8), on in-memory fakes. */
import { describe, expect, it } from 'vitest';
import type { ActiveBlock, BlockRecord } from '../../../lambdas/use-cases/blocks/ports.js';
import { followContactBlocks } from '../../../lambdas/use-cases/contacts/contact-status.js';
import type { ContactDeps } from '../../../lambdas/use-cases/contacts/index.js';
import type { ContactRecord } from '../../../lambdas/use-cases/contacts/ports.js';
import { caller } from '../helpers.js';
import { T0 } from './fakes.js';

const T1 = '2026-11-30T11:00:00.000Z';

function scene(contact: Partial<ContactRecord>, active: ActiveBlock[], { conflicts = 0 } = {}) {
  let stored: ContactRecord = {
    id: 'c1',
    name: 'Lead',
    email: 'lead@example.com',
    primaryPhone: '+12025550101',
    secondaryPhone: null,
    category: null,
    groupIds: [],
    status: 'active',
    blockReason: null,
    blockedAt: null,
    blockIds: [],
    createdAt: T0,
    updatedAt: T0,
    blockHistoryIds: [],
    ...contact,
  };
  const writes: { after: ContactRecord; added: readonly string[] }[] = [];
  let conflictsLeft = conflicts;
  const deps = {
    contacts: {
      getContact: async () => stored,
      updateContact: async (_p: string, before: ContactRecord, after: ContactRecord, added: readonly string[]) => {
        if (conflictsLeft-- > 0 || before.updatedAt !== stored.updatedAt) return false;
        writes.push({ after, added });
        stored = { ...after, blockHistoryIds: [...new Set([...after.blockHistoryIds, ...added])] };
        return true;
      },
    },
    blocking: {
      blocks: {
        activeAmong: async (_p: string, addresses: readonly { type: string; value: string }[]) =>
          active.filter((a) => addresses.some((x) => x.type === a.type && x.value === a.value)),
        get: async (_p: string, id: string) => ({ id, reason: `reason of ${id}` }) as BlockRecord,
      },
    },
    now: () => new Date(T1),
  } as unknown as ContactDeps;
  return { deps, writes, read: () => stored };
}

const manager = caller('receptionist', { permissions: ['manage_contacts'] });
const phoneBlock: ActiveBlock = { blockId: 'b-phone', type: 'phone', value: '+12025550101', hideExisting: false };
const emailBlock: ActiveBlock = { blockId: 'b-email', type: 'email', value: 'lead@example.com', hideExisting: false };

describe("A contact's status follows its blocks", () => {
  it('an active contact with a blocked address becomes blocked, with the block, its reason and history', async () => {
    const s = scene({}, [phoneBlock]);
    await followContactBlocks(s.deps, manager, 'c1');
    expect(s.read()).toMatchObject({ status: 'blocked', blockIds: ['b-phone'], blockReason: 'reason of b-phone', blockedAt: T1, blockHistoryIds: ['b-phone'] });
  });

  it('a blocked contact whose last block was lifted becomes active, reason and time cleared', async () => {
    const s = scene({ status: 'blocked', blockIds: ['b-phone'], blockReason: 'Spam', blockedAt: T0, blockHistoryIds: ['b-phone'] }, []);
    await followContactBlocks(s.deps, manager, 'c1');
    expect(s.read()).toMatchObject({ status: 'active', blockIds: [], blockReason: null, blockedAt: null, blockHistoryIds: ['b-phone'] });
  });

  it('a blocked contact with one block left stays blocked with that block, its reason and time kept', async () => {
    const s = scene({ status: 'blocked', blockIds: ['b-email', 'b-phone'], blockReason: 'Spam', blockedAt: T0 }, [emailBlock]);
    await followContactBlocks(s.deps, manager, 'c1');
    expect(s.read()).toMatchObject({ status: 'blocked', blockIds: ['b-email'], blockReason: 'Spam', blockedAt: T0 });
  });

  it('an archived contact stays archived; its blockIds follow', async () => {
    const s = scene({ status: 'archived' }, [emailBlock]);
    await followContactBlocks(s.deps, manager, 'c1');
    expect(s.read()).toMatchObject({ status: 'archived', blockIds: ['b-email'] });
  });

  it('nothing to change writes nothing', async () => {
    const s = scene({ status: 'blocked', blockIds: ['b-phone'] }, [phoneBlock]);
    await followContactBlocks(s.deps, manager, 'c1');
    expect(s.writes).toHaveLength(0);
  });

  it('a write that lost a race is decided again from a fresh read', async () => {
    const s = scene({}, [phoneBlock], { conflicts: 1 });
    await followContactBlocks(s.deps, manager, 'c1');
    expect(s.writes).toHaveLength(1);
    expect(s.read().status).toBe('blocked');
  });
});
