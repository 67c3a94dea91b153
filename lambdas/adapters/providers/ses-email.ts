/**
 * Email through Amazon SES v2 `SendEmail` (simple content, text part only). On AWS the
 * configuration set routes bounce/complaint/delivery events to our webhook; locally the same
 * client is pointed at the SES emulator.
 *
 * SES has no idempotency token for SendEmail: the delivery id travels as the `delivery_id`
 * message tag (it comes back in every SES event) so an event can always be matched to its delivery.
 */
import { SendEmailCommand, type SendEmailCommandInput, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { OutboundMessage, ChannelSender, SendResult } from '../../use-cases/provider-ports.js';
import { classifyAwsError, failure, type ErrorTable } from './aws-errors.js';

export interface SesEmailSenderOptions {
  client: SESv2Client;
  /** A verified identity (address or an address at a verified domain). */
  fromAddress: string;
  configurationSetName?: string;
}

/**
 * SendEmail's modelled errors. The rule: permanent only when sending *this message to this
 * recipient* can never work. A condition of our own account or configuration, which an operator
 * fixes, is retryable: the delivery then ends in the dead-letter queue (alarmed, redrivable)
 * instead of thousands of deliveries being marked `failed` for something that was never their fault.
 *
 * | error                               | retryable | why |
 * |-------------------------------------|-----------|-----|
 * | TooManyRequestsException (429)      | yes       | max send rate exceeded ("Maximum sending rate exceeded") |
 * | LimitExceededException              | yes       | a quota; quotas reset or are raised |
 * | InternalServiceErrorException (500) | yes       | SES side |
 * | SendingPausedException              | yes       | account/configuration-set sending paused; resumes when re-enabled |
 * | MailFromDomainNotVerifiedException  | yes       | our MAIL FROM domain's DNS (MX) check failed; fixable, often transient |
 * | NotFoundException (404)             | yes       | configuration set / identity missing: a deployment error |
 * | MessageRejected                     | no        | this message was refused (content, or sandbox: unverified recipient) |
 * | BadRequestException                 | no        | malformed input, e.g. an invalid address |
 * | AccountSuspendedException           | no        | SES: sending "permanently restricted" |
 */
const SES_ERRORS: ErrorTable = {
  TooManyRequestsException: { retryable: true, reason: 'throttled' },
  LimitExceededException: { retryable: true, reason: 'quota_exceeded' },
  InternalServiceErrorException: { retryable: true, reason: 'provider_unavailable' },
  SendingPausedException: { retryable: true, reason: 'sending_paused' },
  MailFromDomainNotVerifiedException: { retryable: true, reason: 'mail_from_domain_not_verified' },
  NotFoundException: { retryable: true, reason: 'ses_resource_not_found' },
  MessageRejected: { retryable: false, reason: 'message_rejected' },
  BadRequestException: { retryable: false, reason: 'bad_request' },
  AccountSuspendedException: { retryable: false, reason: 'account_suspended' },
};

/** SES tag values: ASCII letters, digits, `_` and `-`, at most 256 characters. */
export function sesTagValue(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
  return clean.length > 0 ? clean : 'none';
}

export class SesEmailSender implements ChannelSender {
  readonly channel = 'email' as const;
  private readonly client: SESv2Client;
  private readonly fromAddress: string;
  private readonly configurationSetName: string | undefined;

  constructor(options: SesEmailSenderOptions) {
    this.client = options.client;
    this.fromAddress = options.fromAddress;
    this.configurationSetName = options.configurationSetName;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.channel !== 'email') return { ok: false, retryable: false, reason: 'wrong_channel' };
    const input: SendEmailCommandInput = {
      FromEmailAddress: this.fromAddress,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject ?? '', Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
        },
      },
      EmailTags: [{ Name: 'delivery_id', Value: sesTagValue(message.deliveryId) }],
      ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
    };
    try {
      const out = await this.client.send(new SendEmailCommand(input));
      if (!out.MessageId) return { ok: false, retryable: false, reason: 'malformed_response' };
      return { ok: true, providerMessageId: out.MessageId };
    } catch (err) {
      return failure(classifyAwsError(err, SES_ERRORS));
    }
  }
}
