import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FanOutDeps, ParticipantChunk } from '../../../lambdas/use-cases/conversations/participants-fanout.js';
import { lambdaContext, sequenceOf, streamEvent } from './stream-event.js';

vi.mock('../../../lambdas/wiring/participant-fanout.js', () => ({ participantFanOutDeps: {} }));
vi.mock('../../../lambdas/use-cases/conversations/participants-fanout.js', () => ({ fanOutParticipants: vi.fn() }));
const { fanOutParticipants } = await import('../../../lambdas/use-cases/conversations/participants-fanout.js');
const { participantFanOut } = await import('../../../lambdas/handlers/stream/participant-fanout.js');
const { decodeParticipantChunk } = await import('../../../lambdas/adapters/dynamo/stream-items.js');
const fannedOut = vi.mocked(fanOutParticipants);

const deps = { fanOut: {} } as unknown as FanOutDeps;
const context = lambdaContext('participant-fanout');

const base = {
  practiceId: 'practice-1',
  conversationId: 'conv-1',
  messageId: 'msg-1',
  at: '2026-03-01T12:00:00.000Z',
  author: { type: 'staff', id: 'staff-1' },
} as const;
const first: ParticipantChunk = {
  ...base,
  index: 0,
  parties: [{ type: 'patient', id: 'patient-1' }, { type: 'staff', id: 'staff-2' }],
  deliveries: [
    { index: 1, delivery: { recipient: { type: 'patient', id: 'patient-1' }, channel: 'email', address: 'pat@example.com', status: 'queued', purpose: 'notification' } },
    { index: 0, delivery: { recipient: { type: 'patient', id: 'patient-1' }, channel: 'portal', address: null, status: 'delivered', purpose: 'message' } },
  ],
  correspondenceOf: ['patient-1'],
  pairs: [{ providerId: 'staff-2', patientId: 'patient-1' }],
};
const second: ParticipantChunk = { ...base, index: 1, parties: [{ type: 'staff', id: 'staff-3' }], deliveries: [], correspondenceOf: [], pairs: [] };

beforeEach(() => {
  fannedOut.mockReset();
  fannedOut.mockResolvedValue('done');
});

describe('Stream consumer: participant fan-out', () => {
  it('decodes a participant chunk (a null address stays null); other items are not its own', () => {
    const [chunk0, message, chunk1] = streamEvent('participant-fanout').Records;
    expect(decodeParticipantChunk(chunk0!)).toEqual(first);
    expect(decodeParticipantChunk(chunk1!)).toEqual(second);
    expect(decodeParticipantChunk(message!)).toBeNull();
  });

  it('fans out each chunk of the batch and skips the message', async () => {
    const result = await participantFanOut(deps)(streamEvent('participant-fanout'), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(fannedOut.mock.calls).toEqual([
      [deps, first],
      [deps, second],
    ]);
  });

  it('a chunk whose fan-out fails is reported in batchItemFailures (the event source retries it); the others run', async () => {
    fannedOut.mockRejectedValueOnce(new Error('participant states of chunk 0 kept changing'));
    const event = streamEvent('participant-fanout');
    const result = await participantFanOut(deps)(event, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(event.Records[0]!) }]);
    expect(fannedOut).toHaveBeenCalledTimes(2);
  });
});
