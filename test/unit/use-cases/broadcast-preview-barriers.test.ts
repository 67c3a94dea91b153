/** A preview's barrier check by listing the practice's active blocks: the same answers as reading each address's block by key. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../lambdas/domain/caller.js';
import { FakeAudienceDirectory, FakeBroadcastRepository, patient } from './broadcast-fakes.js';

process.env.TABLE_NAME ??= 'unit';
const bc = await import('../../../lambdas/use-cases/broadcasts.js');
const { PREVIEW_BLOCKS_LISTED, PREVIEW_SUPPRESSIONS_LISTED } = await import('../../../lambdas/use-cases/broadcasts/create.js');

const P = 'practice-1';
const staff: Caller = { practiceId: P, id: 'staff-1', role: 'receptionist', kind: 'staff', name: 'Robin', permissions: ['send_messages'] };

let dir: FakeAudienceDirectory;
let repo: FakeBroadcastRepository;
let deps: import('../../../lambdas/use-cases/broadcasts.js').BroadcastDeps;

beforeEach(() => {
  dir = new FakeAudienceDirectory();
  repo = new FakeBroadcastRepository();
  deps = { broadcasts: repo, audienceDirectory: dir, now: () => new Date('2026-11-30T12:00:00.000Z') };
  // 150 patients (two chunks): every 7th phone blocked, every 5th opted out (35: both), every 3rd email blocked, every 4th email opted out.
  for (let i = 0; i < 150; i++) {
    const phone = `+1202555${String(1000 + i)}`;
    const email = `p${i}@example.com`;
    dir.patientsById.set(`p${i}`, patient(`p${i}`, { phone, email, whatsapp: phone }));
    if (i % 7 === 0) dir.blocked.add(phone);
    if (i % 5 === 0) dir.optedOut.add(phone);
    if (i % 3 === 0) dir.blocked.add(email);
    if (i % 4 === 0) dir.optedOut.add(email);
  }
  // A blocked address nobody in the audience has changes nothing.
  dir.blocked.add('+12025559999');
});

const ids = () => [...dir.patientsById.keys()];
const preview = (channel: 'sms' | 'whatsapp' | 'email' | 'portal') => bc.previewBroadcast(deps, staff, { channel, audience: { patientIds: ids() } });
const readsOf = (d: FakeAudienceDirectory) => d.barrierReads.reduce((n, r) => ({ blocks: n.blocks + r.blocks, optOuts: n.optOuts + r.optOuts }), { blocks: 0, optOuts: 0 });

describe('Broadcast preview: blocks listed instead of read by key', () => {
  it.each(['sms', 'whatsapp', 'email', 'portal'] as const)('%s: listing the active blocks answers exactly as reading each block key (blocked wins over opted out)', async (channel) => {
    const byKey = await preview(channel);
    expect(dir.calls).not.toContain('blockedAddresses');
    dir.listsBlocks = true;
    dir.barrierReads.length = 0;
    dir.calls.length = 0;
    const listed = await preview(channel);
    expect(listed).toEqual(byKey);
    if (channel === 'portal') {
      // No address is checked on portal: nothing listed, nothing read.
      expect(dir.calls).not.toContain('blockedAddresses');
      expect(listed.excluded.blocked).toBe(0);
      return;
    }
    expect(dir.calls.filter((c) => c === 'blockedAddresses')).toHaveLength(1);
    expect(readsOf(dir).blocks).toBe(0);
    const phoneChannel = channel !== 'email';
    // 22 phones blocked (0, 7, …, 147); 30 opted out, of which 5 (0, 35, 70, 105, 140) also blocked: counted blocked.
    expect(listed.excluded).toEqual(phoneChannel ? { blocked: 22, chatDisabled: 0, noAddress: 0, optedOut: 25, archived: 0 } : { blocked: 50, chatDisabled: 0, noAddress: 0, optedOut: 0, archived: 0 });
    expect(listed.recipients).toBe(phoneChannel ? 103 : 100);
  });

  it('an email preview reads no opt-out (they do not count on email); SMS reads them by key for every address', async () => {
    dir.listsBlocks = true;
    await preview('email');
    expect(readsOf(dir)).toEqual({ blocks: 0, optOuts: 0 });
    expect(dir.calls).not.toContain('barriers');
    await preview('sms');
    expect(readsOf(dir)).toEqual({ blocks: 0, optOuts: 150 });
  });

  it('more active blocks than the bound: the preview reads each block by key instead, with the same answer', async () => {
    const small = await preview('sms');
    for (let i = 0; i < PREVIEW_BLOCKS_LISTED; i++) dir.blocked.add(`+1303555${String(i).padStart(4, '0')}`);
    dir.listsBlocks = true;
    dir.barrierReads.length = 0;
    const over = await preview('sms');
    expect(dir.calls).toContain('blockedAddresses');
    expect(readsOf(dir)).toEqual({ blocks: 150, optOuts: 150 });
    expect(over).toEqual(small);
  });

  it('the fan-out keeps reading blocks by key (never the listing)', async () => {
    dir.listsBlocks = true;
    const { id } = await bc.createBroadcast(deps, staff, { channel: 'sms', body: 'Closed on Friday.', audience: { patientIds: ids() } });
    await bc.prepareBroadcast(deps, P, id);
    for (const [index, members] of (repo.chunks.get(id) ?? []).entries()) await bc.fanOutChunk(deps, P, id, index, members);
    expect(dir.calls).not.toContain('blockedAddresses');
    expect(readsOf(dir)).toEqual({ blocks: 150, optOuts: 150 });
    expect(await bc.getBroadcast(deps, staff, id)).toMatchObject({ recipients: 103, excluded: { blocked: 22, optedOut: 25 } });
  });

  it.each(['sms', 'whatsapp', 'email', 'portal'] as const)('%s: listing the opt-outs (and blocks) answers exactly as reading each suppression key, and reads none by key', async (channel) => {
    const byKey = await preview(channel);
    dir.listsBlocks = true;
    dir.listsOptOuts = true;
    dir.barrierReads.length = 0;
    dir.calls.length = 0;
    const listed = await preview(channel);
    expect(listed).toEqual(byKey);
    expect(readsOf(dir)).toEqual({ blocks: 0, optOuts: 0 });
    expect(dir.calls).not.toContain('barriers');
    // Only a phone channel lists the opt-outs (they do not count on email; portal has no address).
    expect(dir.calls.filter((c) => c === 'optedOutAddresses')).toHaveLength(channel === 'sms' || channel === 'whatsapp' ? 1 : 0);
  });

  it('more suppressions than the bound: the preview reads each opt-out by key instead, with the same answer', async () => {
    const small = await preview('sms');
    for (let i = 0; i < PREVIEW_SUPPRESSIONS_LISTED; i++) dir.optedOut.add(`+1303555${String(i).padStart(5, '0')}`);
    dir.listsOptOuts = true;
    dir.barrierReads.length = 0;
    const over = await preview('sms');
    expect(dir.calls).toContain('optedOutAddresses');
    expect(readsOf(dir)).toEqual({ blocks: 150, optOuts: 150 });
    expect(over).toEqual(small);
  });

  it('a group read in many pages: every member resolved once, in audience order, as when read in one page', async () => {
    const members = ids().map((id) => ({ type: 'patient' as const, id }));
    // Named twice: in the group and by id (counted once).
    dir.groupsById.set('all', { id: 'all', memberCount: members.length, chat: null, members });
    const audience = { patientIds: ['p140', 'p3'], groupIds: ['all'] };
    dir.memberPage = 1_000;
    const onePage = await bc.previewBroadcast(deps, staff, { channel: 'sms', audience });
    dir.memberPage = 7;
    const manyPages = await bc.previewBroadcast(deps, staff, { channel: 'sms', audience });
    expect(manyPages).toEqual(onePage);
    expect(onePage.recipients + Object.values(onePage.excluded).reduce((a, b) => a + b, 0)).toBe(150);
    expect(onePage.unavailable.slice(0, 2).map((u) => u.id)).toEqual(['p140', 'p0']);
  });

  it.each([1, 2])('a failing read fails the preview, whichever chunk it is (read %i: no answer from a partial audience)', async (failing) => {
    dir.groupsById.set('all', { id: 'all', memberCount: 150, chat: null, members: ids().map((id) => ({ type: 'patient' as const, id })) });
    dir.memberPage = 10;
    const patients = dir.patients.bind(dir);
    let n = 0;
    dir.patients = async (...args) => {
      if (++n === failing) throw new Error('throttled');
      return patients(...args);
    };
    await expect(bc.previewBroadcast(deps, staff, { channel: 'sms', audience: { groupIds: ['all'] } })).rejects.toThrow('throttled');
  });
});
