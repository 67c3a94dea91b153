/**
 * SMS through Amazon SNS `Publish` to a phone number (no topic), transactional type, origination
 * identity from configuration.
 *
 * Opt-outs: `Publish` to a number that replied STOP *succeeds* (a MessageId comes back) and SNS
 * silently drops the message; the failure only shows in the SMS delivery-status logs ("Phone
 * number is opted out"). `OptedOutException` exists in the SNS model but is declared only for
 * `CreateSMSSandboxPhoneNumber`. So:
 * - our own suppression list (inbound STOP keywords) remains the primary guard, checked by the
 *   dispatcher before it calls us;
 * - with `checkOptOut: true` the sender asks `CheckIfPhoneNumberIsOptedOut` first and answers
 *   `opted_out` without publishing (one extra call per SMS against a low-TPS API; needs
 *   `sns:CheckIfPhoneNumberIsOptedOut`). If that check itself fails we still publish: SNS enforces
 *   the opt-out anyway, the check only makes our status accurate;
 * - an `OptedOutException` from Publish, should SNS ever raise one, also maps to `opted_out`.
 *
 * SNS has no idempotency token for Publish to a phone number (deduplication ids are FIFO-topic only).
 */
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  PublishCommand,
  type MessageAttributeValue,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { REASON_OPTED_OUT, type OutboundMessage, type ChannelSender, type SendResult } from '../../use-cases/provider-ports.js';
import { classifyAwsError, failure, type ErrorTable } from './aws-errors.js';

export interface SnsSmsSenderOptions {
  client: SNSClient;
  /** E.164 origination number (toll-free, 10DLC, short code) owned in End User Messaging SMS. */
  originationNumber?: string;
  /** Alphanumeric sender id, where the destination country supports one. */
  senderId?: string;
  /** Ask `CheckIfPhoneNumberIsOptedOut` before each publish (see the module comment). Default false. */
  checkOptOut?: boolean;
}

/**
 * Publish's errors relevant to SMS (same rule as SES: permanent only when this message to this
 * number can never work; our own account/configuration problems are retryable → DLQ).
 *
 * | error                                   | retryable | why |
 * |-----------------------------------------|-----------|-----|
 * | ThrottledException                      | yes       | account publish rate |
 * | InternalErrorException (500)            | yes       | SNS side |
 * | KMSThrottlingException                  | yes       | (encrypted topics only; harmless here) |
 * | AuthorizationErrorException (403)       | yes       | our IAM policy / SMS sandbox settings |
 * | InvalidSecurityException                | yes       | request signing / credentials |
 * | OptedOutException                       | no        | → `opted_out` (dispatcher marks `suppressed`) |
 * | InvalidParameterException (400)         | no        | e.g. a number SNS can't publish to |
 * | InvalidParameterValueException (400)    | no        | e.g. a bad attribute value |
 * | ValidationException                     | no        | malformed request |
 */
const SNS_ERRORS: ErrorTable = {
  ThrottledException: { retryable: true, reason: 'throttled' },
  InternalErrorException: { retryable: true, reason: 'provider_unavailable' },
  KMSThrottlingException: { retryable: true, reason: 'throttled' },
  AuthorizationErrorException: { retryable: true, reason: 'authorization_error' },
  InvalidSecurityException: { retryable: true, reason: 'authorization_error' },
  OptedOutException: { retryable: false, reason: REASON_OPTED_OUT },
  InvalidParameterException: { retryable: false, reason: 'invalid_parameter' },
  InvalidParameterValueException: { retryable: false, reason: 'invalid_parameter' },
  ValidationException: { retryable: false, reason: 'invalid_parameter' },
};

function stringAttribute(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

export class SnsSmsSender implements ChannelSender {
  readonly channel = 'sms' as const;
  private readonly client: SNSClient;
  private readonly attributes: Record<string, MessageAttributeValue>;
  private readonly checkOptOut: boolean;

  constructor(options: SnsSmsSenderOptions) {
    this.client = options.client;
    this.checkOptOut = options.checkOptOut ?? false;
    this.attributes = {
      'AWS.SNS.SMS.SMSType': stringAttribute('Transactional'),
      ...(options.originationNumber
        ? { 'AWS.MM.SMS.OriginationNumber': stringAttribute(options.originationNumber) }
        : {}),
      ...(options.senderId ? { 'AWS.SNS.SMS.SenderID': stringAttribute(options.senderId) } : {}),
    };
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.channel !== 'sms') return { ok: false, retryable: false, reason: 'wrong_channel' };
    if (this.checkOptOut && (await this.isOptedOut(message.to))) {
      return { ok: false, retryable: false, reason: REASON_OPTED_OUT };
    }
    const input: PublishCommandInput = {
      PhoneNumber: message.to,
      Message: message.text,
      // The practice's own number (OutboundMessage.from) wins over the configured default.
      MessageAttributes: { ...this.attributes, ...(message.from ? { 'AWS.MM.SMS.OriginationNumber': stringAttribute(message.from) } : {}) },
    };
    try {
      const out = await this.client.send(new PublishCommand(input));
      if (!out.MessageId) return { ok: false, retryable: false, reason: 'malformed_response' };
      return { ok: true, providerMessageId: out.MessageId };
    } catch (err) {
      return failure(classifyAwsError(err, SNS_ERRORS));
    }
  }

  /** Fails open: an error here means "not known to be opted out". */
  private async isOptedOut(phoneNumber: string): Promise<boolean> {
    try {
      const out = await this.client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }));
      return out.isOptedOut === true;
    } catch {
      return false;
    }
  }
}
