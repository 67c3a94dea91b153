import { beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, sequenceOf, streamEvent } from './stream-event.js';

vi.mock('../../../lambdas/wiring.js', () => ({ broadcastDeps: {} }));
vi.mock('../../../lambdas/use-cases/broadcasts.js', () => ({ fanOutChunk: vi.fn() }));
const { fanOutChunk } = await import('../../../lambdas/use-cases/broadcasts.js');
const { broadcastFanOut } = await import('../../../lambdas/handlers/stream/broadcast-fanout.js');
const { decodeBroadcastChunk } = await import('../../../lambdas/adapters/dynamo/stream-items.js');
const fanOut = vi.mocked(fanOutChunk);

type FanOutDeps = Parameters<typeof fanOutChunk>[0];
const deps = { conversations: {}, broadcasts: {}, blockRecords: {} } as unknown as FanOutDeps;
const context = lambdaContext('broadcast-fanout');

const broadcast = {
  id: 'bcast-1',
  channel: 'sms',
  subject: null,
  body: 'The clinic is closed on Friday.',
  sender: { id: 'staff-1', name: 'Robin Front Desk', role: 'receptionist' },
  recipients: 2,
  excluded: { blocked: 1, chatDisabled: 0, noAddress: 0 },
  status: 'queued',
  counts: { queued: 2, sent: 0, delivered: 0, failed: 0, blocked: 0, suppressed: 0 },
  createdAt: '2026-03-01T12:00:00.000Z',
} as const;
const chunk0 = { practiceId: 'practice-1', broadcast, index: 0, recipients: [{ type: 'patient', id: 'patient-1', name: 'Pat Example', address: '+15555550123', notify: null }] };
const chunk1 = { practiceId: 'practice-1', broadcast, index: 1, recipients: [{ type: 'contact', id: 'contact-1', name: 'Sam Contact', address: '+15555550125', notify: null }] };

beforeEach(() => {
  fanOut.mockReset();
  fanOut.mockResolvedValue(undefined);
});

describe('Stream consumer: broadcast fan-out', () => {
  it('decodes a chunk (the broadcast, its index and recipients); the broadcast item itself is not its own', () => {
    const [broadcastItem, first, second] = streamEvent('broadcast-fanout').Records;
    expect(decodeBroadcastChunk(first!)).toEqual(chunk0);
    expect(decodeBroadcastChunk(second!)).toEqual(chunk1);
    expect(decodeBroadcastChunk(broadcastItem!)).toBeNull();
  });

  it('fans out each chunk of the batch with its decoded input and skips the broadcast record', async () => {
    const result = await broadcastFanOut(deps)(streamEvent('broadcast-fanout'), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(fanOut.mock.calls).toEqual([
      [deps, 'practice-1', broadcast, 0, chunk0.recipients],
      [deps, 'practice-1', broadcast, 1, chunk1.recipients],
    ]);
  });

  it('a chunk whose fan-out fails is reported in batchItemFailures; the others are fanned out', async () => {
    fanOut.mockResolvedValueOnce(undefined).mockRejectedValueOnce(new Error('transaction cancelled'));
    const event = streamEvent('broadcast-fanout');
    const result = await broadcastFanOut(deps)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[2]!) }]);
    expect(fanOut).toHaveBeenCalledTimes(2);
  });
});
