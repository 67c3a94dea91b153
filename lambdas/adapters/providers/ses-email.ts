/**
 * Email through Amazon SES v2 `SendEmail`. Simple content (text part only) when the message has
 * neither files nor HTML; otherwise raw content: the MIME built by nodemailer's composer
 * (email-mime.ts) with the files read from the attachments bucket through a port. On AWS the
 * configuration set routes bounce/complaint/delivery events to our webhook; locally the same
 * client is pointed at the SES emulator.
 *
 * SES has no idempotency token for SendEmail: the delivery id travels as the `delivery_id`
 * message tag (it comes back in every SES event) so an event can always be matched to its
 * delivery. Every send also carries the `practice` tag and an `X-Practice-Id` header, by which
 * receipts and events find the practice.
 */
import { SendEmailCommand, type SendEmailCommandInput, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { AttachmentBytes, OutboundMessage, ChannelSender, SendResult } from '../../use-cases/provider-ports.js';
import { SES_MAX_MESSAGE_BYTES } from '../../domain/attachment-rules.js';
import { classifyAwsError, failure, type ErrorTable } from './aws-errors.js';
import { composeMime, PRACTICE_HEADER, type MimeFile } from './email-mime.js';

export interface SesEmailSenderOptions {
  client: SESv2Client;
  /** A verified identity (address or an address at a verified domain). */
  fromAddress: string;
  configurationSetName?: string;
  /** Reads attachment bytes (the attachments bucket); without it a message with files is not sent. */
  files?: AttachmentBytes;
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
  private readonly files: AttachmentBytes | undefined;

  constructor(options: SesEmailSenderOptions) {
    this.client = options.client;
    this.fromAddress = options.fromAddress;
    this.configurationSetName = options.configurationSetName;
    this.files = options.files;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.channel !== 'email') return { ok: false, retryable: false, reason: 'wrong_channel' };
    const isRaw = Boolean(message.attachments?.length || message.html);
    const content = isRaw ? await this.raw(message) : this.simple(message);
    if ('ok' in content) return content;
    const input: SendEmailCommandInput = {
      FromEmailAddress: this.fromAddress,
      Destination: { ToAddresses: [message.to] },
      Content: content,
      // Raw content carries its own Reply-To header.
      ...(message.replyTo && !isRaw ? { ReplyToAddresses: [message.replyTo] } : {}),
      EmailTags: [
        { Name: 'delivery_id', Value: sesTagValue(message.deliveryId) },
        { Name: 'practice', Value: sesTagValue(message.practiceId) },
      ],
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

  private simple(message: OutboundMessage): NonNullable<SendEmailCommandInput['Content']> {
    return {
      Simple: {
        Subject: { Data: message.subject ?? '', Charset: 'UTF-8' },
        Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
        Headers: [{ Name: PRACTICE_HEADER, Value: message.practiceId }],
      },
    };
  }

  /** The raw MIME, with each file read whole; a file that cannot be read is a failure before anything was handed over. */
  private async raw(message: OutboundMessage): Promise<NonNullable<SendEmailCommandInput['Content']> | SendResult> {
    const attachments = message.attachments ?? [];
    if (attachments.length > 0 && !this.files) return { ok: false, retryable: false, reason: 'attachments_unavailable' };
    let files: MimeFile[];
    try {
      files = await Promise.all(
        attachments.map(async (a) => ({ fileName: a.fileName, contentType: a.contentType, bytes: await (this.files as AttachmentBytes).read(a.key) })),
      );
    } catch (err) {
      const missing = (err as { name?: string } | null)?.name === 'NoSuchKey';
      return { ok: false, retryable: !missing, reason: missing ? 'attachment_missing' : 'attachment_read_failed' };
    }
    const data = await composeMime(this.fromAddress, message, files);
    // The send path refuses files that would not fit (422 at send time); this only guards the provider call.
    if (data.byteLength > SES_MAX_MESSAGE_BYTES) return { ok: false, retryable: false, reason: 'message_too_large' };
    return { Raw: { Data: data } };
  }
}
