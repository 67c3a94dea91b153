import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BlockChange, VisibilityDeps } from '../../../lambdas/use-cases/block-visibility.js';
import { lambdaContext, sequenceOf, streamEvent } from './stream-event.js';

vi.mock('../../../lambdas/wiring/block-visibility.js', () => ({ visibilityDeps: {} }));
vi.mock('../../../lambdas/use-cases/block-visibility.js', () => ({ applyBlockVisibility: vi.fn() }));
const { applyBlockVisibility } = await import('../../../lambdas/use-cases/block-visibility.js');
const { blockVisibility } = await import('../../../lambdas/handlers/stream/block-visibility.js');
const { decodeBlockChange } = await import('../../../lambdas/adapters/dynamo/stream-items.js');
const applied = vi.mocked(applyBlockVisibility);

const deps = { conversations: {}, directory: {} } as unknown as VisibilityDeps;
const context = lambdaContext('block-visibility');

const block1 = {
  id: 'block-1',
  type: 'email',
  value: 'pat@example.com',
  reason: 'abusive',
  hideExisting: false,
  patient: { id: 'patient-1', name: 'Pat Example' },
  contact: null,
  blockedBy: { id: 'staff-1', name: 'Robin Front Desk' },
  blockedAt: '2026-03-01T12:00:00.000Z',
  updatedAt: '2026-03-01T12:00:00.000Z',
  status: 'active',
  unblockedAt: null,
  unblockedBy: null,
} as const;

const hideOn: BlockChange = {
  practiceId: 'practice-1',
  before: block1,
  after: { ...block1, hideExisting: true, updatedAt: '2026-03-01T12:05:00.000Z' },
};
/** A new phone block with no patient and no reason: absent attributes read back as null. */
const newPhoneBlock: BlockChange = {
  practiceId: 'practice-1',
  before: null,
  after: { ...block1, id: 'block-2', type: 'phone', value: '+15555550199', reason: null, patient: null, hideExisting: true },
};

beforeEach(() => {
  applied.mockReset();
  applied.mockResolvedValue('hidden');
});

describe('Stream consumer: block visibility', () => {
  it('decodes a block change (before and after) from the old and new images; other items are not its own', () => {
    const [modified, blockedAddress, inserted] = streamEvent('block-visibility').Records;
    expect(decodeBlockChange(modified!)).toEqual(hideOn);
    expect(decodeBlockChange(inserted!)).toEqual(newPhoneBlock);
    expect(decodeBlockChange(blockedAddress!)).toBeNull();
  });

  it('applies each block change of the batch with its decoded input and skips the address record', async () => {
    const result = await blockVisibility(deps)(streamEvent('block-visibility'), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(applied.mock.calls).toEqual([
      [deps, hideOn],
      [deps, newPhoneBlock],
    ]);
  });

  it('a change whose use case fails is reported in batchItemFailures; the others are applied', async () => {
    applied.mockRejectedValueOnce(new Error('throttled'));
    const event = streamEvent('block-visibility');
    const result = await blockVisibility(deps)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[0]!) }]);
    expect(applied).toHaveBeenCalledTimes(2);
  });
});
