import { beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, sequenceOf, streamEvent } from './stream-event.js';

vi.mock('../../../lambdas/wiring/broadcasts.js', () => ({ broadcastDeps: {} }));
vi.mock('../../../lambdas/use-cases/broadcasts.js', () => ({ fanOutChunk: vi.fn(), prepareBroadcast: vi.fn() }));
const { fanOutChunk, prepareBroadcast } = await import('../../../lambdas/use-cases/broadcasts.js');
const { broadcastFanOut } = await import('../../../lambdas/handlers/stream/broadcast-fanout.js');
const { decodeBroadcastStep } = await import('../../../lambdas/adapters/dynamo/stream-items.js');
const fanOut = vi.mocked(fanOutChunk);
const prepare = vi.mocked(prepareBroadcast);

type FanOutDeps = Parameters<typeof fanOutChunk>[0];
const deps = { broadcasts: {}, audienceDirectory: {} } as unknown as FanOutDeps;
const context = lambdaContext('broadcast-fanout');

beforeEach(() => {
  fanOut.mockReset();
  fanOut.mockResolvedValue({ written: 1, counted: true });
  prepare.mockReset();
  prepare.mockResolvedValue({ chunks: 2 });
});

describe('Stream consumer: broadcast fan-out', () => {
  it('decodes the accepted broadcast as a prepare step and each chunk with its member references', () => {
    const [broadcastItem, first, second] = streamEvent('broadcast-fanout').Records;
    expect(decodeBroadcastStep(broadcastItem!)).toEqual({ kind: 'prepare', practiceId: 'practice-1', broadcastId: 'bcast-1' });
    expect(decodeBroadcastStep(first!)).toEqual({ kind: 'chunk', practiceId: 'practice-1', broadcastId: 'bcast-1', index: 0, members: [{ type: 'patient', id: 'patient-1' }] });
    expect(decodeBroadcastStep(second!)).toEqual({ kind: 'chunk', practiceId: 'practice-1', broadcastId: 'bcast-1', index: 1, members: [{ type: 'contact', id: 'contact-1' }] });
  });

  it('a broadcast no longer preparing is not a step', () => {
    const [broadcastItem] = streamEvent('broadcast-fanout').Records;
    const sending = structuredClone(broadcastItem!);
    sending.dynamodb!.NewImage!['status'] = { S: 'sending' };
    expect(decodeBroadcastStep(sending)).toBeNull();
  });

  it('prepares the broadcast and fans out each chunk of the batch', async () => {
    const result = await broadcastFanOut(deps)(streamEvent('broadcast-fanout'), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(prepare.mock.calls).toEqual([[deps, 'practice-1', 'bcast-1']]);
    expect(fanOut.mock.calls).toEqual([
      [deps, 'practice-1', 'bcast-1', 0, [{ type: 'patient', id: 'patient-1' }]],
      [deps, 'practice-1', 'bcast-1', 1, [{ type: 'contact', id: 'contact-1' }]],
    ]);
  });

  it('a chunk whose fan-out fails is reported in batchItemFailures; the others are fanned out', async () => {
    fanOut.mockResolvedValueOnce({ written: 1, counted: true }).mockRejectedValueOnce(new Error('throughput exceeded'));
    const event = streamEvent('broadcast-fanout');
    const result = await broadcastFanOut(deps)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[2]!) }]);
    expect(fanOut).toHaveBeenCalledTimes(2);
  });
});
