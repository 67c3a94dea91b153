/**
 * The webhook edge, provider by provider: verify the request (401 before anything is parsed or
 * stored), parse the provider's payload, hand it to the inbound use cases through `intake`.
 */
import { forbidden, unauthorized } from '../../domain/errors.js';
import { logger } from '../../logger.js';
import { parseEum } from './eum-payload.js';
import { intake, type IntakeDeps } from './intake.js';
import { isSnsUrl, type SnsVerdict } from './sns-verifier.js';
import { parseSesMessage, type ObjectLoader } from './ses-notifications.js';
import { formParams, isValidTwilioSignature } from './twilio-signature.js';
import { parseTwilio } from './twilio-payload.js';
import { isValidWhatsAppSignature, whatsappHandshake } from './whatsapp-signature.js';
import { parseWhatsApp, type WhatsAppMediaFetch } from './whatsapp-payload.js';

/** Webhook secrets: Secrets Manager on AWS (cached reads), the environment locally. */
export interface WebhookSecrets {
  twilioAuthToken(): Promise<string>;
  whatsappAppSecret(): Promise<string>;
  whatsappVerifyToken(): Promise<string>;
}

export interface WebhookEdgeDeps extends IntakeDeps {
  secrets: WebhookSecrets;
  verifySns: (rawBody: string) => Promise<SnsVerdict>;
  /** Confirms an SNS subscription (GET of its SubscribeURL on AWS; recorded locally). */
  confirmSubscription: (subscribeUrl: string, topicArn: string) => Promise<void>;
  loadObject: ObjectLoader;
  /** Twilio media downloads (basic auth with the account's token). */
  fetch: typeof fetch;
  whatsappMedia: WhatsAppMediaFetch;
  now: () => Date;
}

const refuse = (deps: WebhookEdgeDeps, provider: string, reason: string) => {
  deps.metrics.count('rejected_signature');
  logger.warn('webhook signature refused', { provider, reason });
  return unauthorized('The webhook signature is not valid.');
};

/** `POST /webhooks/ses`: SNS (v1/v2 signature, configured topics) carrying SES inbound mail and receipts. */
export async function sesWebhook(deps: WebhookEdgeDeps, rawBody: Buffer): Promise<void> {
  const verdict = await deps.verifySns(rawBody.toString('utf8'));
  if (!verdict.ok) throw refuse(deps, 'sns', verdict.reason);
  const message = verdict.message;
  if (message.Type === 'SubscriptionConfirmation') {
    if (!message.SubscribeURL || !isSnsUrl(message.SubscribeURL)) throw refuse(deps, 'sns', 'subscribe_url');
    await deps.confirmSubscription(message.SubscribeURL, message.TopicArn);
    logger.info('sns subscription confirmed', { topicArn: message.TopicArn });
    return;
  }
  if (message.Type !== 'Notification') return;
  const parsed = await parseSesMessage(message.Message, deps.loadObject);
  if (parsed.unattributed > 0) deps.metrics.count('unattributed_receipt', parsed.unattributed);
  if (parsed.messages.length === 0 && parsed.receipts.length === 0 && parsed.unattributed === 0) deps.metrics.count('unparsed');
  await intake(deps, parsed);
}

/** `POST /webhooks/sms/twilio`: `X-Twilio-Signature` over `url` (the public URL Twilio called) and every parameter. */
export async function twilioWebhook(deps: WebhookEdgeDeps, url: string, rawBody: Buffer, signature: string | undefined): Promise<string> {
  const params = formParams(rawBody.toString('utf8'));
  const token = await deps.secrets.twilioAuthToken();
  if (!isValidTwilioSignature(token, url, params, signature)) throw refuse(deps, 'twilio', 'signature');
  const parsed = parseTwilio(params, { fetch: deps.fetch, authToken: token }, deps.now().toISOString());
  if (parsed.messages.length === 0 && parsed.receipts.length === 0) deps.metrics.count('unparsed');
  await intake(deps, parsed);
  return '<?xml version="1.0" encoding="UTF-8"?><Response/>';
}

/** `GET /webhooks/whatsapp`: Meta's handshake; 403 on a wrong verify token or mode. */
export async function whatsappVerification(
  deps: WebhookEdgeDeps,
  query: { 'hub.mode'?: string | undefined; 'hub.verify_token'?: string | undefined; 'hub.challenge'?: string | undefined } | undefined,
): Promise<string> {
  const challenge = whatsappHandshake(await deps.secrets.whatsappVerifyToken(), query ?? {});
  if (challenge === null) throw forbidden('The verify token is not ours.');
  return challenge;
}

/** `POST /webhooks/whatsapp`: `X-Hub-Signature-256` over the raw bytes. */
export async function whatsappWebhook(deps: WebhookEdgeDeps, rawBody: Buffer, signature: string | undefined): Promise<{ ok: true }> {
  if (!isValidWhatsAppSignature(await deps.secrets.whatsappAppSecret(), rawBody, signature)) throw refuse(deps, 'whatsapp', 'signature');
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    deps.metrics.count('unparsed');
    return { ok: true };
  }
  const parsed = parseWhatsApp(body, deps.whatsappMedia, deps.now().toISOString());
  if (parsed.messages.length === 0 && parsed.receipts.length === 0) deps.metrics.count('unparsed');
  await intake(deps, parsed);
  return { ok: true };
}

/** End User Messaging two-way SMS: the `Message` of a notification its SNS topic delivered to our Lambda subscription. */
export async function eumMessage(deps: IntakeDeps & { now: () => Date }, message: string): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    deps.metrics.count('unparsed');
    return;
  }
  const parsed = parseEum(body, deps.now().toISOString());
  if (parsed.messages.length === 0) deps.metrics.count('unparsed');
  await intake(deps, parsed);
}
