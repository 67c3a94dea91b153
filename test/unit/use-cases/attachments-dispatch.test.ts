import { describe, expect, it } from 'vitest';
import { dispatchDelivery, type DispatchDeps } from '../../../lambdas/use-cases/dispatch.js';
import type { MessageContent, QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import { InMemoryDeliveryStore, scriptedSenders } from './dispatch-fakes.js';

const files = [
  { id: 'a1', fileName: 'results.pdf', contentType: 'application/pdf', size: 100, key: 'files/practice-1/a1' },
  { id: 'a2', fileName: 'x-ray.png', contentType: 'image/png', size: 200, key: 'files/practice-1/a2' },
];

function scene(delivery: Partial<QueuedDelivery>) {
  const store = new InMemoryDeliveryStore();
  const senders = scriptedSenders();
  const d = store.add({
    practiceId: 'practice-1',
    conversationId: 'conv-1',
    messageId: 'msg-1',
    sk: 'DLV#msg-1#000',
    channel: 'email',
    address: 'pat@example.com',
    purpose: 'message',
    ...delivery,
  });
  (store.messages as Map<string, MessageContent>).set('msg-1', { subject: 'Results', body: 'Both files attached.', attachments: files });
  const deps: DispatchDeps = { store, senders, now: () => new Date('2026-03-01T12:00:00.000Z'), maxAttempts: 3, leaseMs: 300_000 };
  return { d, deps, senders };
}

describe('Dispatch: files', () => {
  it("an email message hands the sender the message's files (with their keys)", async () => {
    const { d, deps, senders } = scene({});
    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(senders.email.sent[0]!.attachments).toEqual(files);
  });

  it('WhatsApp gets them too; SMS never', async () => {
    const wa = scene({ channel: 'whatsapp', address: '+15555550123' });
    await dispatchDelivery(wa.deps, wa.d);
    expect(wa.senders.whatsapp.sent[0]!.attachments).toEqual(files);
    const sms = scene({ channel: 'sms', address: '+15555550123' });
    await dispatchDelivery(sms.deps, sms.d);
    expect(sms.senders.sms.sent[0]).not.toHaveProperty('attachments');
  });

  it("a portal message's notification email never carries a file (nor the message)", async () => {
    const { d, deps, senders } = scene({ purpose: 'notification' });
    expect(await dispatchDelivery(deps, d)).toBe('sent');
    expect(senders.email.sent[0]).not.toHaveProperty('attachments');
    expect(senders.email.sent[0]!.text).not.toContain('Both files');
  });
});
