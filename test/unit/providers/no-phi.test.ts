/**
 * A failure's `reason` is stored on the delivery and logged: it must never carry the recipient's
 * address or the message body, even when the provider's own error message does.
 */
import * as sesModule from '@aws-sdk/client-sesv2';
import * as snsModule from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage, SendResult } from '../../../lambdas/use-cases/provider-ports.js';
import { SesEmailSender } from '../../../lambdas/adapters/providers/ses-email.js';
import { SnsSmsSender } from '../../../lambdas/adapters/providers/sns-sms.js';
import { WhatsAppCloudSender } from '../../../lambdas/adapters/providers/whatsapp-cloud.js';

const EMAIL = 'jane.patient@example.com';
const PHONE = '+15555550123';
const BODY = 'Biopsy result: benign';
const echo = `Cannot deliver to ${EMAIL} / ${PHONE} / 15555550123: "${BODY}"`;

function expectNoPhi(results: SendResult[]): void {
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) {
    expect(r.ok).toBe(false);
    if (r.ok) continue;
    expect(r.reason).toMatch(/^[A-Za-z0-9_]{1,80}$/);
    for (const secret of [EMAIL, 'jane', 'patient', '5555550123', 'Biopsy', 'benign']) {
      expect(r.reason.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  }
}

type ExceptionClass = new (opts: { message: string; $metadata: object }) => Error;

function exceptionClasses(module: Record<string, unknown>, base: abstract new (...args: never[]) => Error): ExceptionClass[] {
  return Object.values(module).filter(
    (v): v is ExceptionClass => typeof v === 'function' && v.prototype instanceof base,
  );
}

const networkErrors = (): Error[] => [
  Object.assign(new Error(echo), { code: 'ECONNRESET' }),
  Object.assign(new Error(echo), { name: 'TimeoutError' }),
  new TypeError(echo),
];

describe('Providers: no PHI in failure reasons', () => {
  it('SES: every modelled exception and network failure, each carrying the address and body in its message', async () => {
    const ses = mockClient(sesModule.SESv2Client);
    const sender = new SesEmailSender({ client: new sesModule.SESv2Client({ region: 'us-east-1' }), fromAddress: 'noreply@p.example' });
    const message: OutboundMessage = { deliveryId: 'd', practiceId: 'practice-1', channel: 'email', to: EMAIL, subject: BODY, text: BODY };
    const errors = [
      ...exceptionClasses(sesModule, sesModule.SESv2ServiceException).map((C) => new C({ message: echo, $metadata: {} })),
      ...networkErrors(),
    ];
    expect(errors.length).toBeGreaterThan(10);
    const results: SendResult[] = [];
    for (const error of errors) {
      ses.reset();
      ses.on(sesModule.SendEmailCommand).rejects(error);
      results.push(await sender.send(message));
    }
    expectNoPhi(results);
    ses.restore();
  });

  it('SNS: every modelled exception and network failure', async () => {
    const sns = mockClient(snsModule.SNSClient);
    const sender = new SnsSmsSender({ client: new snsModule.SNSClient({ region: 'us-east-1' }) });
    const message: OutboundMessage = { deliveryId: 'd', practiceId: 'practice-1', channel: 'sms', to: PHONE, text: BODY };
    const errors = [
      ...exceptionClasses(snsModule, snsModule.SNSServiceException).map((C) => new C({ message: echo, $metadata: {} })),
      ...networkErrors(),
    ];
    expect(errors.length).toBeGreaterThan(20);
    const results: SendResult[] = [];
    for (const error of errors) {
      sns.reset();
      sns.on(snsModule.PublishCommand).rejects(error);
      results.push(await sender.send(message));
    }
    expectNoPhi(results);
    sns.restore();
  });

  it('WhatsApp: every error code, status and network failure, with Meta echoing the recipient and body', async () => {
    const codes = [0, 1, 2, 3, 4, 10, 33, 100, 190, 200, 368, 80007, 130429, 131000, 131008, 131009, 131016, 131021,
      131026, 131030, 131031, 131042, 131047, 131048, 131049, 131050, 131051, 131056, 133004, 133010, 999999];
    const responses: (() => Response | Promise<never>)[] = [
      ...codes.flatMap((code) => [400, 401, 500].map((status) => () =>
        new Response(JSON.stringify({ error: { code, message: echo, error_data: { details: echo } } }), { status }))),
      () => new Response(echo, { status: 400 }),
      () => new Response(echo, { status: 503 }),
      () => Promise.reject(new TypeError(echo)),
    ];
    const results: SendResult[] = [];
    for (const respond of responses) {
      const sender = new WhatsAppCloudSender({
        phoneNumberId: '1',
        accessToken: async () => 't',
        fetch: async () => respond(),
      });
      results.push(await sender.send({ deliveryId: 'd', practiceId: 'practice-1', channel: 'whatsapp', to: PHONE, text: BODY }));
    }
    expectNoPhi(results);
  });
});
