import { beforeEach, describe, expect, it } from 'vitest';
import { logCall } from '../../../lambdas/use-cases/conversations/index.js';
import { caller } from '../helpers.js';
import { T0, conversationFakes, refusal, type Fakes } from './fakes.js';

const call = (over: Partial<Parameters<typeof logCall>[2]> = {}) => ({
  patientId: 'pat',
  occurredAt: T0,
  durationSeconds: 120,
  direction: 'inbound' as const,
  summary: 'Asked to move the appointment to Friday.',
  ...over,
});

let f: Fakes;
beforeEach(() => {
  f = conversationFakes();
  f.directory.addPatient('pat');
  f.directory.addStaff('receptionist', 'receptionist-me');
});

describe('Use case: log a call', () => {
  it('the answer travels with the write (kept for an Idempotency-Key in the same transaction) and is what the caller gets', async () => {
    const answer = await logCall(f.deps, caller('receptionist'), call());
    expect(f.conversations.sent).toHaveLength(1);
    expect(f.conversations.sent[0]!.answer).toEqual(answer);
  });

  it('the second call of a patient goes into the same call-log conversation', async () => {
    const first = await logCall(f.deps, caller('receptionist'), call());
    const second = await logCall(f.deps, caller('receptionist'), call({ summary: 'Confirmed Friday.' }));
    expect(second.conversationId).toBe(first.conversationId);
  });

  it('refuses a call more than five minutes in the future, at occurredAt', async () => {
    const future = new Date(f.deps.now().getTime() + 10 * 60_000).toISOString();
    const e = await refusal(logCall(f.deps, caller('receptionist'), call({ occurredAt: future })));
    expect(e.kind).toBe('validation_failed');
    expect(e.errors?.map((x) => x.path)).toEqual(['occurredAt']);
  });
});
