import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createSenders } from '../../../lambdas/adapters/providers/index.js';
import { LocalOutboxSender, clearLocalOutbox, localOutboxEntries } from '../../../lambdas/adapters/providers/local-outbox.js';
import { SesEmailSender } from '../../../lambdas/adapters/providers/ses-email.js';
import { SnsSmsSender } from '../../../lambdas/adapters/providers/sns-sms.js';
import { WhatsAppCloudSender } from '../../../lambdas/adapters/providers/whatsapp-cloud.js';

describe('Provider: createSenders', () => {
  describe('local mode', () => {
    const seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ MessageId: 'emulated-1' }));
      });
    });
    let endpoint = '';
    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('sends email with the real SES v2 client to the emulator endpoint with the static local credentials', async () => {
      const senders = createSenders({ mode: 'local', region: 'us-east-1', sesEndpoint: endpoint, sesFromAddress: 'noreply@local.test' });
      expect(senders.email).toBeInstanceOf(SesEmailSender);

      const result = await senders.email.send({ deliveryId: 'd', practiceId: 'practice-1', channel: 'email', to: 'a@b.test', subject: 's', text: 't' });

      expect(result).toEqual({ ok: true, providerMessageId: 'emulated-1' });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe('POST');
      expect(seen[0]!.url).toBe('/v2/email/outbound-emails');
      expect(seen[0]!.headers.authorization).toMatch(/Credential=local\/\d{8}\/us-east-1\/ses\/aws4_request/);
      expect(JSON.parse(seen[0]!.body)).toMatchObject({ FromEmailAddress: 'noreply@local.test', Destination: { ToAddresses: ['a@b.test'] } });
    });

    it('routes SMS and WhatsApp to the local outbox', async () => {
      clearLocalOutbox();
      const senders = createSenders({ mode: 'local', region: 'us-east-1', sesEndpoint: endpoint, sesFromAddress: 'x@y.test' });
      expect(senders.sms).toBeInstanceOf(LocalOutboxSender);
      expect(senders.whatsapp).toBeInstanceOf(LocalOutboxSender);
      expect(senders.sms.channel).toBe('sms');
      expect(senders.whatsapp.channel).toBe('whatsapp');
      await senders.whatsapp.send({ deliveryId: 'w', practiceId: 'practice-1', channel: 'whatsapp', to: '+15555550123', text: 'hi' });
      expect(localOutboxEntries().map((e) => e.channel)).toEqual(['whatsapp']);
    });
  });

  describe('aws mode', () => {
    const sns = mockClient(SNSClient);
    const sm = mockClient(SecretsManagerClient);
    afterAll(() => {
      sns.restore();
      sm.restore();
    });

    it('builds SES, SNS (with the origination number) and WhatsApp (token from the named secret)', async () => {
      sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
      sm.on(GetSecretValueCommand).resolves({ SecretString: 'wa-token' });
      const fetchMock = vi.fn<typeof fetch>(async () =>
        new Response(JSON.stringify({ messages: [{ id: 'wamid.1' }] }), { status: 200 }));

      const senders = createSenders(
        {
          mode: 'aws',
          region: 'eu-west-1',
          sesFromAddress: 'noreply@practice.example',
          sesConfigurationSet: 'events',
          smsOriginationNumber: '+18885550100',
          whatsappPhoneNumberId: '1065',
          whatsappTokenSecretId: 'wa/token',
        },
        { fetch: fetchMock },
      );

      expect(senders.email).toBeInstanceOf(SesEmailSender);
      expect(senders.sms).toBeInstanceOf(SnsSmsSender);
      expect(senders.whatsapp).toBeInstanceOf(WhatsAppCloudSender);

      await senders.sms.send({ deliveryId: 'd', practiceId: 'practice-1', channel: 'sms', to: '+15555550123', text: 'x' });
      expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes?.['AWS.MM.SMS.OriginationNumber'])
        .toEqual({ DataType: 'String', StringValue: '+18885550100' });

      expect(await senders.whatsapp.send({ deliveryId: 'd', practiceId: 'practice-1', channel: 'whatsapp', to: '+15555550123', text: 'x' }))
        .toEqual({ ok: true, providerMessageId: 'wamid.1' });
      expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: 'wa/token' });
      expect(fetchMock.mock.calls[0]![0]).toBe('https://graph.facebook.com/v21.0/1065/messages');
      expect((fetchMock.mock.calls[0]![1]!.headers as Record<string, string>).Authorization).toBe('Bearer wa-token');
    });

    it('without WhatsApp settings, the WhatsApp sender fails every send permanently and calls nothing', async () => {
      const senders = createSenders({ mode: 'aws', region: 'us-east-1', sesFromAddress: 'noreply@practice.example' });
      expect(senders.whatsapp.channel).toBe('whatsapp');
      expect(await senders.whatsapp.send({ deliveryId: 'd', practiceId: 'practice-1', channel: 'whatsapp', to: '+15555550123', text: 'x' }))
        .toEqual({ ok: false, retryable: false, reason: 'channel_not_configured' });
    });
  });
});
