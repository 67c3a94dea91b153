import { describe, expect, it } from 'vitest';
import { messageView, visibleTo } from '../../../lambdas/use-cases/conversations/views.js';
import type { DeliveryRecord, MessageRecord, Warning } from '../../../lambdas/use-cases/conversations/ports.js';
import { caller } from '../helpers.js';
import { T0 } from './fakes.js';

const delivery = (patientId: string, over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  recipient: { type: 'patient', id: patientId },
  channel: 'sms',
  address: `+1555000${patientId.length}${patientId}`,
  status: 'queued',
  purpose: 'message',
  ...over,
});

/** A community message to three patients: one blocked, one failed, one queued. */
const message: MessageRecord = {
  id: 'm-1',
  conversationId: 'conv-1',
  channel: 'sms',
  direction: 'outbound',
  author: { type: 'staff', id: 'receptionist-me' },
  body: 'Clinic closed Friday',
  attachments: [],
  createdAt: T0,
  deliveries: [delivery('alice'), delivery('bob', { status: 'failed', error: 'invalid_number' }), delivery('carol', { status: 'blocked' })],
};
const warnings: Warning[] = [{ code: 'recipient_blocked', recipient: { type: 'patient', id: 'carol' }, channel: 'sms', address: '+155500005carol' }];

describe('Views shaped by who asks (API.md Conventions)', () => {
  it.each(['admin', 'receptionist', 'provider', 'biller'] as const)('%s (staff) sees every delivery, addresses and states, and the warnings', (role) => {
    const viewer = caller(role);
    const view = messageView(viewer)(message);
    expect(view.deliveries.map((d) => [d.recipient.id, d.address, d.status])).toEqual([
      ['alice', message.deliveries[0]!.address, 'queued'],
      ['bob', message.deliveries[1]!.address, 'failed'],
      ['carol', message.deliveries[2]!.address, 'blocked'],
    ]);
    expect(visibleTo(viewer).warnings(warnings)).toEqual({ warnings });
  });

  it('a patient sees only their own delivery: no other recipient’s address or status, never warnings', () => {
    const bob = caller('patient', { id: 'bob' });
    const view = messageView(bob)(message);
    expect(view.deliveries).toEqual([{ recipient: { type: 'patient', id: 'bob' }, channel: 'sms', address: message.deliveries[1]!.address, status: 'failed', purpose: 'message', error: 'invalid_number' }]);
    expect(JSON.stringify(view)).not.toMatch(/alice|carol/);
    expect(visibleTo(bob).warnings(warnings)).toEqual({});
  });

  it('a patient who wrote the message (no delivery of their own) sees no deliveries', () => {
    const dave = caller('patient', { id: 'dave' });
    expect(messageView(dave)({ ...message, author: { type: 'patient', id: 'dave' } }).deliveries).toEqual([]);
  });

  it('staff without warnings get no warnings member; `sending` shows as queued to everyone', () => {
    const sending = { ...message, deliveries: [delivery('alice', { status: 'sending' as DeliveryRecord['status'] })] };
    expect(visibleTo(caller('receptionist')).warnings([])).toEqual({});
    expect(messageView(caller('receptionist'))(sending).deliveries[0]!.status).toBe('queued');
    expect(messageView(caller('patient', { id: 'alice' }))(sending).deliveries[0]!.status).toBe('queued');
  });
});
