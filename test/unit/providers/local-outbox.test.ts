import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../lambdas/use-cases/provider-ports.js';
import {
  clearLocalFaults,
  clearLocalOutbox,
  injectLocalFaults,
  localOutboxEntries,
  LocalOutboxSender,
} from '../../../lambdas/adapters/providers/local-outbox.js';

const sms: OutboundMessage = { deliveryId: 'd-1', practiceId: 'practice-1', channel: 'sms', to: '+15555550123', text: 'See you at 3pm.' };
const wa: OutboundMessage = { deliveryId: 'd-2', practiceId: 'practice-1', channel: 'whatsapp', to: '+15555550199', text: 'Hello' };

describe('Provider: local outbox', () => {
  beforeEach(() => clearLocalOutbox());

  it('records each send and answers its local provider message id', async () => {
    const result = await new LocalOutboxSender('sms').send(sms);

    expect(result).toEqual({ ok: true, providerMessageId: expect.stringMatching(/^local-[0-9A-HJKMNP-TV-Z]{26}$/) });
    const entries = localOutboxEntries();
    expect(entries).toEqual([
      {
        channel: 'sms',
        to: '+15555550123',
        body: 'See you at 3pm.',
        providerMessageId: (result as { providerMessageId: string }).providerMessageId,
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        deliveryId: 'd-1',
      },
    ]);
  });

  it('lists newest first, filters by channel and recipient, and hands out copies', async () => {
    await new LocalOutboxSender('sms').send(sms);
    await new LocalOutboxSender('whatsapp').send(wa);
    await new LocalOutboxSender('sms').send({ ...sms, deliveryId: 'd-3', practiceId: 'practice-1', to: '+15555550100' });

    expect(localOutboxEntries().map((e) => e.deliveryId)).toEqual(['d-3', 'd-2', 'd-1']);
    expect(localOutboxEntries({ channel: 'sms' }).map((e) => e.deliveryId)).toEqual(['d-3', 'd-1']);
    expect(localOutboxEntries({ channel: 'sms', to: '+15555550123' }).map((e) => e.deliveryId)).toEqual(['d-1']);

    localOutboxEntries()[0]!.body = 'tampered';
    localOutboxEntries().length = 0;
    expect(localOutboxEntries()[0]!.body).toBe('See you at 3pm.');
  });

  it('injected faults answer the next sends on that channel in order, record nothing, then sending resumes', async () => {
    const sender = new LocalOutboxSender('sms');
    injectLocalFaults('sms', [
      { ok: false, retryable: true, reason: 'throttled' },
      { ok: false, retryable: false, reason: 'invalid_parameter' },
    ]);

    expect(await new LocalOutboxSender('whatsapp').send(wa)).toMatchObject({ ok: true });
    expect(await sender.send(sms)).toEqual({ ok: false, retryable: true, reason: 'throttled' });
    expect(await sender.send(sms)).toEqual({ ok: false, retryable: false, reason: 'invalid_parameter' });
    expect(await sender.send(sms)).toMatchObject({ ok: true });
    expect(localOutboxEntries({ channel: 'sms' })).toHaveLength(1);
  });

  it('clearLocalFaults drops faults not yet used', async () => {
    injectLocalFaults('whatsapp', [{ ok: false, retryable: true, reason: 'throttled' }]);
    clearLocalFaults();
    expect(await new LocalOutboxSender('whatsapp').send(wa)).toMatchObject({ ok: true });
  });

  it("records each WhatsApp file's name, type and size (never its key or bytes)", async () => {
    await new LocalOutboxSender('whatsapp').send({
      ...wa,
      attachments: [{ id: 'a1', fileName: 'plan.pdf', contentType: 'application/pdf', size: 1234, key: 'files/practice-1/a1' }],
    });
    await new LocalOutboxSender('whatsapp').send(wa);
    const [plain, withFile] = localOutboxEntries({ channel: 'whatsapp' });
    expect(withFile!.attachments).toEqual([{ fileName: 'plan.pdf', contentType: 'application/pdf', size: 1234 }]);
    expect(plain).not.toHaveProperty('attachments');
  });

  it('refuses a message for another channel', async () => {
    expect(await new LocalOutboxSender('sms').send(wa)).toEqual({ ok: false, retryable: false, reason: 'wrong_channel' });
    expect(localOutboxEntries()).toHaveLength(0);
  });
});
