import {
  AuthorizationErrorException,
  CheckIfPhoneNumberIsOptedOutCommand,
  InternalErrorException,
  InvalidParameterException,
  InvalidParameterValueException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  ThrottledException,
  ValidationException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../lambdas/use-cases/provider-ports.js';
import { SnsSmsSender, type SnsSmsSenderOptions } from '../../../lambdas/adapters/providers/sns-sms.js';

const sns = mockClient(SNSClient);

const message: OutboundMessage = {
  deliveryId: 'DLV#01JB#002', practiceId: 'practice-1',
  channel: 'sms',
  to: '+15555550123',
  text: 'Your appointment is confirmed.',
};

function sender(options: Omit<SnsSmsSenderOptions, 'client'> = {}) {
  return new SnsSmsSender({ client: new SNSClient({ region: 'us-east-1' }), ...options });
}

const meta = { $metadata: {} };

describe('Provider: SNS SMS', () => {
  beforeEach(() => sns.reset());

  it('publishes to the phone number as a transactional SMS from the configured origination number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-msg-1' });

    const result = await sender({ originationNumber: '+18885550100' }).send(message);

    expect(result).toEqual({ ok: true, providerMessageId: 'sns-msg-1' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      PhoneNumber: '+15555550123',
      Message: 'Your appointment is confirmed.',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18885550100' },
      },
    });
  });

  it('adds the sender id when configured, and only the SMS type when nothing is', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await sender({ senderId: 'PRACTICE' }).send(message);
    await sender().send(message);
    const [withSenderId, bare] = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.MessageAttributes);
    expect(withSenderId).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'PRACTICE' },
    });
    expect(bare).toEqual({ 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } });
  });

  it('does not check opt-out status unless asked to', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await sender().send(message);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(0);
  });

  it('with checkOptOut, answers opted_out for an opted-out number and publishes nothing', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: true });
    const result = await sender({ checkOptOut: true }).send(message);
    expect(result).toEqual({ ok: false, retryable: false, reason: 'opted_out' });
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)[0]!.args[0].input).toEqual({ phoneNumber: '+15555550123' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('with checkOptOut, publishes when the number is opted in, or when the check itself fails', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolvesOnce({ isOptedOut: false })
      .rejectsOnce(new ThrottledException({ message: 'x', ...meta }));
    expect(await sender({ checkOptOut: true }).send(message)).toEqual({ ok: true, providerMessageId: 'm' });
    expect(await sender({ checkOptOut: true }).send(message)).toEqual({ ok: true, providerMessageId: 'm' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });

  it('treats a response without a MessageId as a failure that must not be resent', async () => {
    sns.on(PublishCommand).resolves({});
    expect(await sender().send(message)).toEqual({ ok: false, retryable: false, reason: 'malformed_response' });
  });

  const cases: [string, Error, boolean, string][] = [
    ['ThrottledException', new ThrottledException({ message: 'Rate exceeded', ...meta }), true, 'throttled'],
    ['InternalErrorException', new InternalErrorException({ message: 'x', ...meta }), true, 'provider_unavailable'],
    ['AuthorizationErrorException', new AuthorizationErrorException({ message: 'x', ...meta }), true, 'authorization_error'],
    ['OptedOutException', new OptedOutException({ message: '+15555550123 opted out', ...meta }), false, 'opted_out'],
    ['InvalidParameterException', new InvalidParameterException({ message: 'Invalid parameter: PhoneNumber +15555550123', ...meta }), false, 'invalid_parameter'],
    ['InvalidParameterValueException', new InvalidParameterValueException({ message: 'x', ...meta }), false, 'invalid_parameter'],
    ['ValidationException', new ValidationException({ message: 'x', Message: 'x', ...meta }), false, 'invalid_parameter'],
  ];

  it.each(cases)('classifies %s', async (_name, error, retryable, reason) => {
    sns.on(PublishCommand).rejects(error);
    expect(await sender().send(message)).toEqual({ ok: false, retryable, reason });
  });

  it('classifies a network failure as retryable', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }));
    expect(await sender().send(message)).toEqual({ ok: false, retryable: true, reason: 'network_error' });
  });
});
