/**
 * WhatsApp through Meta's Cloud API: `POST {baseUrl}/{apiVersion}/{phoneNumberId}/messages`, a
 * free-form text message, then each file as a media message (an image for JPEG/PNG, else a
 * document). Files are uploaded first (`POST /{phoneNumberId}/media`, multipart) and sent by the
 * media id: Meta never fetches our bucket (no presigned link to PHI leaves the service), and a
 * failed upload happens before anything was sent, so the delivery can be tried again. The
 * message goes from `OutboundMessage.from` (the practice's phone-number id) when set. The access token comes from a source that may cache it (Secrets
 * Manager, see secret-token.ts); after an authentication error the sender asks that source for a
 * fresh token once and tries once more.
 *
 * The Cloud API has no idempotency key; the returned `wamid` is what later status webhooks carry.
 *
 * Errors are classified by Meta's `error.code` (Meta advises building on the code, not on
 * titles, messages or HTTP status), then by HTTP status. Meta's `message` and
 * `error_data.details` are never read into a reason: they can name the recipient.
 */
import {
  REASON_OPTED_OUT,
  type AttachmentBytes,
  type ChannelSender,
  type OutboundAttachment,
  type OutboundMessage,
  type SendResult,
} from '../../use-cases/provider-ports.js';
import { whatsappMediaKind } from '../../domain/attachment-rules.js';
import type { AccessTokenSource } from './secret-token.js';
import { classifyAwsError, failure as failureOf } from './aws-errors.js';

export interface WhatsAppCloudSenderOptions {
  phoneNumberId: string;
  /** Called before every send; called with `{ refresh: true }` after the API rejected the token. */
  accessToken: AccessTokenSource;
  fetch?: typeof fetch;
  /** Graph API version. Default `v21.0`. */
  apiVersion?: string;
  /** Default `https://graph.facebook.com`. */
  baseUrl?: string;
  /** Per request. Default 10 seconds (a media upload: 60 seconds). */
  timeoutMs?: number;
  /** Reads attachment bytes (the attachments bucket); without it a message with files is not sent. */
  files?: AttachmentBytes;
}

type CodeClass = { retryable: boolean; slug: string };

/**
 * Meta error codes (Cloud API error-code reference). Same rule as SES/SNS: permanent only when this
 * message to this recipient can never work; rate limits, Meta outages and problems of our own
 * business account/token (an operator fixes them) are retryable → retries, then the DLQ.
 */
const WHATSAPP_CODES: Readonly<Record<number, CodeClass>> = {
  // Rate limits and Meta-side trouble
  1: { retryable: true, slug: 'api_unknown' },
  2: { retryable: true, slug: 'service_unavailable' },
  4: { retryable: true, slug: 'app_rate_limited' },
  80007: { retryable: true, slug: 'waba_rate_limited' },
  130429: { retryable: true, slug: 'throughput_rate_limited' },
  131000: { retryable: true, slug: 'something_went_wrong' },
  131016: { retryable: true, slug: 'service_overloaded' },
  131048: { retryable: true, slug: 'spam_rate_limited' },
  131056: { retryable: true, slug: 'pair_rate_limited' },
  133004: { retryable: true, slug: 'server_unavailable' },
  // Our business account, phone number or token: operator-fixable
  0: { retryable: true, slug: 'auth_failed' },
  190: { retryable: true, slug: 'token_expired' },
  3: { retryable: true, slug: 'permission_denied' },
  10: { retryable: true, slug: 'permission_denied' },
  33: { retryable: true, slug: 'business_number_invalid' },
  368: { retryable: true, slug: 'policy_blocked' },
  131042: { retryable: true, slug: 'payment_issue' },
  133010: { retryable: true, slug: 'business_number_not_registered' },
  // This message / this recipient
  100: { retryable: false, slug: 'invalid_parameter' },
  131008: { retryable: false, slug: 'required_parameter_missing' },
  131009: { retryable: false, slug: 'parameter_value_invalid' },
  131021: { retryable: false, slug: 'recipient_is_sender' },
  131026: { retryable: false, slug: 'undeliverable' },
  131030: { retryable: false, slug: 'recipient_not_allowed' },
  131031: { retryable: false, slug: 'account_locked' },
  131047: { retryable: false, slug: 'reengagement_window_closed' },
  131049: { retryable: false, slug: 'not_delivered_ecosystem_limit' },
  131051: { retryable: false, slug: 'unsupported_message_type' },
};

/** 131050: the user stopped receiving (marketing) messages from the business. */
const OPTED_OUT_CODE = 131050;

function isAuthFailure(status: number, code: number | undefined): boolean {
  return status === 401 || code === 190 || code === 0;
}

function isPermissionCode(code: number): boolean {
  return code >= 200 && code <= 299;
}

export function classifyWhatsAppError(status: number, code: number | undefined): { retryable: boolean; reason: string } {
  if (code !== undefined) {
    if (code === OPTED_OUT_CODE) return { retryable: false, reason: REASON_OPTED_OUT };
    const known = WHATSAPP_CODES[code] ?? (isPermissionCode(code) ? { retryable: true, slug: 'permission_denied' } : undefined);
    if (known) return { retryable: known.retryable, reason: `whatsapp_${code}_${known.slug}` };
  }
  const retryable = status === 401 || status === 408 || status === 429 || status >= 500;
  return { retryable, reason: code !== undefined ? `whatsapp_${code}` : `whatsapp_http_${status}` };
}

/** E.164 (`+15551234567`) → the Cloud API's `to` (`15551234567`); undefined when not E.164. */
export function whatsappRecipient(to: string): string | undefined {
  const digits = to.startsWith('+') ? to.slice(1) : to;
  return /^[1-9]\d{6,14}$/.test(digits) ? digits : undefined;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function errorCode(body: unknown): number | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (typeof code === 'number' && Number.isInteger(code)) return code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  return undefined;
}

function messageId(body: unknown): string | undefined {
  const id = (body as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function mediaId(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

type Outcome = { kind: 'done'; result: SendResult; json?: unknown } | { kind: 'auth'; failure: SendResult };

export class WhatsAppCloudSender implements ChannelSender {
  readonly channel = 'whatsapp' as const;
  private readonly base: string;
  private readonly phoneNumberId: string;
  private readonly accessToken: AccessTokenSource;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly files: AttachmentBytes | undefined;

  constructor(options: WhatsAppCloudSenderOptions) {
    const baseUrl = (options.baseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
    this.base = `${baseUrl}/${options.apiVersion ?? 'v21.0'}`;
    this.phoneNumberId = options.phoneNumberId;
    this.accessToken = options.accessToken;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.files = options.files;
  }

  private url(phoneNumberId: string, path: 'messages' | 'media'): string {
    return `${this.base}/${encodeURIComponent(phoneNumberId)}/${path}`;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.channel !== 'whatsapp') return { ok: false, retryable: false, reason: 'wrong_channel' };
    const to = whatsappRecipient(message.to);
    if (!to) return { ok: false, retryable: false, reason: 'invalid_recipient' };
    const from = message.from ?? this.phoneNumberId;
    const attachments = message.attachments ?? [];
    // The send path refuses files WhatsApp cannot carry (422); this only guards the provider calls.
    if (attachments.some((a) => whatsappMediaKind(a) === null)) return { ok: false, retryable: false, reason: 'whatsapp_unsupported_media' };
    if (attachments.length > 0 && !this.files) return { ok: false, retryable: false, reason: 'attachments_unavailable' };

    // 1. Every file uploaded before anything is sent: a failure here leaves nothing sent.
    const media: { attachment: OutboundAttachment; id: string }[] = [];
    for (const attachment of attachments) {
      const uploaded = await this.upload(from, attachment);
      if (!uploaded.ok) return uploaded;
      media.push({ attachment, id: uploaded.providerMessageId });
    }

    // 2. The text, then one media message per file.
    const first = await this.message(from, { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { preview_url: false, body: message.text } });
    if (!first.ok) return first;
    for (const { attachment, id } of media) {
      const kind = whatsappMediaKind(attachment) as 'image' | 'document';
      const sent = await this.message(from, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        type: kind,
        [kind]: kind === 'document' ? { id, filename: attachment.fileName } : { id },
      });
      // The text is already with the recipient: never re-sent, so the end is unknown rather than retried.
      if (!sent.ok) return { ok: false, retryable: false, ambiguous: true, reason: `whatsapp_partial_send_${sent.reason}` };
    }
    return first;
  }

  private async message(from: string, payload: Record<string, unknown>): Promise<SendResult> {
    const body = JSON.stringify(payload);
    return this.request(this.url(from, 'messages'), () => body, this.timeoutMs, messageId);
  }

  /** One media upload; `providerMessageId` is the media id. */
  private async upload(from: string, attachment: OutboundAttachment): Promise<SendResult> {
    let bytes: Uint8Array;
    try {
      bytes = await (this.files as AttachmentBytes).read(attachment.key);
    } catch (err) {
      const missing = (err as { name?: string } | null)?.name === 'NoSuchKey';
      return { ok: false, retryable: !missing, reason: missing ? 'attachment_missing' : 'attachment_read_failed' };
    }
    const form = () => {
      const data = new FormData();
      data.append('messaging_product', 'whatsapp');
      data.append('type', attachment.contentType);
      data.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: attachment.contentType }), attachment.fileName);
      return data;
    };
    const result = await this.request(this.url(from, 'media'), form, Math.max(this.timeoutMs, 60_000), mediaId);
    // Nothing reaches the recipient by an upload: a lost answer can be tried again.
    return !result.ok && result.ambiguous ? { ok: false, retryable: true, reason: result.reason } : result;
  }

  /** One call, and once more with a fresh token after an authentication error. */
  private async request(url: string, body: () => string | FormData, timeoutMs: number, idOf: (json: unknown) => string | undefined): Promise<SendResult> {
    let outcome = await this.attempt(url, body(), false, timeoutMs, idOf);
    if (outcome.kind === 'auth') outcome = await this.attempt(url, body(), true, timeoutMs, idOf);
    return outcome.kind === 'auth' ? outcome.failure : outcome.result;
  }

  private async attempt(
    url: string,
    body: string | FormData,
    refresh: boolean,
    timeoutMs: number,
    idOf: (json: unknown) => string | undefined,
  ): Promise<Outcome> {
    let token: string;
    try {
      token = await this.accessToken(refresh ? { refresh: true } : undefined);
    } catch {
      return { kind: 'done', result: { ok: false, retryable: true, reason: 'token_unavailable' } };
    }

    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        // A FormData body sets its own multipart content type.
        headers: typeof body === 'string' ? { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } : { Authorization: `Bearer ${token}` },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // fetch wraps the socket error as its cause: a connection that never opened sent nothing;
      // a timeout or a reset may have lost the answer to an accepted message (never re-sent).
      const c = classifyAwsError((err as { cause?: unknown } | null)?.cause ?? err, {});
      return { kind: 'done', result: failureOf(c.reason === 'unexpected_error' ? { retryable: true, reason: 'network_error', ambiguous: true } : c) };
    }

    const json = await readJson(response);
    if (response.ok) {
      const id = idOf(json);
      // Accepted but unreadable: the message may be on its way, so do not invite a resend.
      if (!id) return { kind: 'done', result: { ok: false, retryable: false, reason: 'malformed_response' } };
      return { kind: 'done', result: { ok: true, providerMessageId: id } };
    }

    const code = errorCode(json);
    const classified = classifyWhatsAppError(response.status, code);
    const failure: SendResult = { ok: false, ...classified };
    return isAuthFailure(response.status, code) ? { kind: 'auth', failure } : { kind: 'done', result: failure };
  }
}
