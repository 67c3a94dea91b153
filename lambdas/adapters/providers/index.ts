/**
 * Builds one sender per channel from plain configuration. On AWS: SES v2, SNS and the WhatsApp
 * Cloud API (token from Secrets Manager). Locally: SES v2 pointed at the emulator for email, the
 * local outbox for SMS and WhatsApp.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AttachmentBytes, ProviderChannel, ChannelSender, SendResult } from '../../use-cases/provider-ports.js';
import { LocalOutboxSender } from './local-outbox.js';
import { secretToken } from './secret-token.js';
import { SesEmailSender } from './ses-email.js';
import { SnsSmsSender } from './sns-sms.js';
import { WhatsAppCloudSender } from './whatsapp-cloud.js';

export interface SendersConfig {
  mode: 'aws' | 'local';
  region: string;
  /** The SES emulator's endpoint (local mode). */
  sesEndpoint?: string;
  sesFromAddress: string;
  sesConfigurationSet?: string;
  smsOriginationNumber?: string;
  whatsappPhoneNumberId?: string;
  /** Name or ARN of the secret holding the WhatsApp Cloud API access token (the bare token). */
  whatsappTokenSecretId?: string;
}

/** The attachments bucket the email and WhatsApp senders read files from; and test seams (fetch). */
export interface SendersDeps {
  fetch?: typeof fetch;
  files?: AttachmentBytes;
}

/** A channel the stage has not configured: every send fails permanently, nothing is called. */
class UnconfiguredSender implements ChannelSender {
  constructor(readonly channel: ProviderChannel) {}
  async send(): Promise<SendResult> {
    return { ok: false, retryable: false, reason: 'channel_not_configured' };
  }
}

/**
 * One attempt per send: an SDK retry after a timeout could send a message the provider already
 * took. The dispatcher decides what happens after a failure (docs/reliability.md).
 */
export const SEND_ATTEMPTS = 1;

/** Static credentials the emulators accept (they ignore signatures). */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createSenders(config: SendersConfig, deps: SendersDeps = {}): Record<ProviderChannel, ChannelSender> {
  if (config.mode === 'local') {
    const ses = new SESv2Client({
      region: config.region,
      maxAttempts: SEND_ATTEMPTS,
      credentials: LOCAL_CREDENTIALS,
      ...(config.sesEndpoint ? { endpoint: config.sesEndpoint } : {}),
    });
    return {
      email: new SesEmailSender({
        client: ses,
        fromAddress: config.sesFromAddress,
        ...(config.sesConfigurationSet ? { configurationSetName: config.sesConfigurationSet } : {}),
        ...(deps.files ? { files: deps.files } : {}),
      }),
      sms: new LocalOutboxSender('sms'),
      whatsapp: new LocalOutboxSender('whatsapp'),
    };
  }

  const email = new SesEmailSender({
    client: new SESv2Client({ region: config.region, maxAttempts: SEND_ATTEMPTS }),
    fromAddress: config.sesFromAddress,
    ...(config.sesConfigurationSet ? { configurationSetName: config.sesConfigurationSet } : {}),
    ...(deps.files ? { files: deps.files } : {}),
  });
  const sms = new SnsSmsSender({
    client: new SNSClient({ region: config.region, maxAttempts: SEND_ATTEMPTS }),
    ...(config.smsOriginationNumber ? { originationNumber: config.smsOriginationNumber } : {}),
  });
  let whatsapp: ChannelSender = new UnconfiguredSender('whatsapp');
  if (config.whatsappPhoneNumberId && config.whatsappTokenSecretId) {
    whatsapp = new WhatsAppCloudSender({
      phoneNumberId: config.whatsappPhoneNumberId,
      accessToken: secretToken({ secretId: config.whatsappTokenSecretId }),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.files ? { files: deps.files } : {}),
    });
  }
  return { email, sms, whatsapp };
}
