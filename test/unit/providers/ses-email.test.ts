import {
  AccountSuspendedException,
  BadRequestException,
  InternalServiceErrorException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  NotFoundException,
  SendEmailCommand,
  SendingPausedException,
  SESv2Client,
  SESv2ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../lambdas/use-cases/provider-ports.js';
import { SesEmailSender, sesTagValue } from '../../../lambdas/adapters/providers/ses-email.js';

const ses = mockClient(SESv2Client);

const message: OutboundMessage = {
  deliveryId: 'DLV#01JB0000000000000000000000#001', practiceId: 'practice-1',
  channel: 'email',
  to: 'pat@example.com',
  subject: 'You have a new message',
  text: 'Sign in to read it.',
};

function sender(configurationSetName?: string) {
  return new SesEmailSender({
    client: new SESv2Client({ region: 'us-east-1' }),
    fromAddress: 'noreply@practice.example',
    ...(configurationSetName ? { configurationSetName } : {}),
  });
}

const meta = { $metadata: {} };

describe('Provider: SES v2 email', () => {
  beforeEach(() => ses.reset());

  it('sends exactly one SendEmail with sender, recipient, UTF-8 simple content with the practice header, configuration set, the delivery and practice tags', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '0100018f-ses-id' });

    const result = await sender('practice-messaging-events').send(message);

    expect(result).toEqual({ ok: true, providerMessageId: '0100018f-ses-id' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'noreply@practice.example',
      Destination: { ToAddresses: ['pat@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'You have a new message', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Sign in to read it.', Charset: 'UTF-8' } },
          Headers: [{ Name: 'X-Practice-Id', Value: 'practice-1' }],
        },
      },
      EmailTags: [
        { Name: 'delivery_id', Value: 'DLV_01JB0000000000000000000000_001' },
        { Name: 'practice', Value: 'practice-1' },
      ],
      ConfigurationSetName: 'practice-messaging-events',
    });
  });

  it('leaves ConfigurationSetName out when none is configured', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await sender().send(message);
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).not.toHaveProperty('ConfigurationSetName');
  });

  it('sanitizes tag values to the characters SES allows, at most 256 long', () => {
    expect(sesTagValue('a#b c/d:é-_9')).toBe('a_b_c_d__-_9');
    expect(sesTagValue('x'.repeat(300))).toHaveLength(256);
    expect(sesTagValue('')).toBe('none');
  });

  it('treats a response without a MessageId as a failure that must not be resent', async () => {
    ses.on(SendEmailCommand).resolves({});
    expect(await sender().send(message)).toEqual({ ok: false, retryable: false, reason: 'malformed_response' });
  });

  it('refuses a message for another channel without calling SES', async () => {
    expect(await sender().send({ ...message, channel: 'sms' })).toEqual({ ok: false, retryable: false, reason: 'wrong_channel' });
    expect(ses.calls()).toHaveLength(0);
  });

  const cases: [string, Error, boolean, string][] = [
    ['TooManyRequestsException', new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta }), true, 'throttled'],
    ['LimitExceededException', new LimitExceededException({ message: 'x', ...meta }), true, 'quota_exceeded'],
    ['InternalServiceErrorException', new InternalServiceErrorException({ message: 'x', ...meta }), true, 'provider_unavailable'],
    ['SendingPausedException', new SendingPausedException({ message: 'x', ...meta }), true, 'sending_paused'],
    ['MailFromDomainNotVerifiedException', new MailFromDomainNotVerifiedException({ message: 'x', ...meta }), true, 'mail_from_domain_not_verified'],
    ['NotFoundException', new NotFoundException({ message: 'x', ...meta }), true, 'ses_resource_not_found'],
    ['MessageRejected', new MessageRejected({ message: 'Email address is not verified: pat@example.com', ...meta }), false, 'message_rejected'],
    ['BadRequestException', new BadRequestException({ message: 'x', ...meta }), false, 'bad_request'],
    ['AccountSuspendedException', new AccountSuspendedException({ message: 'x', ...meta }), false, 'account_suspended'],
  ];

  it.each(cases)('classifies %s', async (_name, error, retryable, reason) => {
    ses.on(SendEmailCommand).rejects(error);
    expect(await sender().send(message)).toEqual({ ok: false, retryable, reason });
  });

  it('classifies errors outside the model by fault, status and $retryable', async () => {
    const unknown = (name: string, $fault: 'client' | 'server', httpStatusCode?: number, $retryable?: { throttling?: boolean }) =>
      Object.assign(
        new SESv2ServiceException({ name, $fault, $metadata: httpStatusCode ? { httpStatusCode } : {}, message: 'x' }),
        $retryable ? { $retryable } : {},
      );
    const cases: [Error, boolean, string][] = [
      [unknown('ThrottlingException', 'client', 400), true, 'throttled'],
      [unknown('SomethingNew', 'client', 429), true, 'throttled'],
      [unknown('SomethingNew', 'client', 400, { throttling: true }), true, 'throttled'],
      [unknown('SomethingNew', 'client', 400, {}), true, 'provider_unavailable'],
      [unknown('SomethingNew', 'server', 503), true, 'provider_unavailable'],
      [unknown('SomethingNew', 'client', 502), true, 'provider_unavailable'],
      [unknown('AccessDeniedException', 'client', 403), true, 'access_denied'],
      [unknown('Some.New#Thing', 'client', 400), false, 'provider_error_SomeNewThing'],
    ];
    for (const [error, retryable, reason] of cases) {
      ses.reset();
      ses.on(SendEmailCommand).rejects(error);
      expect(await sender().send(message), reason).toEqual({ ok: false, retryable, reason });
    }
  });

  it('classifies network failures and timeouts (no answer from SES) as retryable; a lost answer (timeout, reset) as ambiguous', async () => {
    const cases: [Error, string, boolean][] = [
      [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'network_error', true],
      [Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }), 'network_error', false],
      [Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'network_error', false],
      [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'timeout', true],
      [Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }), 'credentials_unavailable', false],
      [new TypeError('something odd'), 'unexpected_error', false],
    ];
    for (const [error, reason, ambiguous] of cases) {
      ses.reset();
      ses.on(SendEmailCommand).rejects(error);
      expect(await sender().send(message), reason).toEqual({ ok: false, retryable: true, reason, ...(ambiguous ? { ambiguous } : {}) });
    }
  });
});
