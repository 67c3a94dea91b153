/**
 * Twilio's form-encoded messaging webhooks: an inbound SMS/MMS (`MediaUrl<n>` and
 * `MediaContentType<n>` become files fetched with the account's basic auth) or a status callback
 * (`MessageStatus` sent, delivered, undelivered, failed; `ErrorCode` → `twilio_<code>`).
 */
import type { InboundFile } from '../../use-cases/inbound/events.js';
import { e164, nothingParsed, type ParsedWebhook } from './drafts.js';

/** Media is fetched only from Twilio's own hosts over https (the URL is signed, but still). */
const TWILIO_MEDIA = /^([a-z0-9-]+\.)*twilio\.com$/;
const MAX_MEDIA = 10;

export interface TwilioMediaFetch {
  fetch: typeof fetch;
  authToken: string;
}

const RECEIPT_STATUS = { sent: 'sent', delivered: 'delivered', undelivered: 'failed', failed: 'failed', read: 'read' } as const;

function mediaFile(url: string, contentType: string, index: number, accountSid: string, media: TwilioMediaFetch): InboundFile {
  return {
    fileName: `media-${index + 1}`,
    contentType: contentType || 'application/octet-stream',
    load: async () => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return null;
      }
      if (parsed.protocol !== 'https:' || !TWILIO_MEDIA.test(parsed.hostname)) return null;
      try {
        const res = await media.fetch(parsed, {
          headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${media.authToken}`).toString('base64')}` },
          signal: AbortSignal.timeout(10_000),
        });
        return res.ok ? new Uint8Array(await res.arrayBuffer()) : null;
      } catch {
        return null;
      }
    },
  };
}

export function parseTwilio(params: readonly [string, string][], media: TwilioMediaFetch, now: string): ParsedWebhook {
  const p = new Map(params);
  const sid = p.get('MessageSid') ?? p.get('SmsSid') ?? p.get('SmsMessageSid');
  if (!sid) return nothingParsed();
  const status = p.get('MessageStatus');
  if (status !== undefined) {
    const mapped = RECEIPT_STATUS[status as keyof typeof RECEIPT_STATUS];
    const ours = e164(p.get('From'));
    if (!mapped || !ours) return nothingParsed();
    const error = p.get('ErrorCode');
    return {
      messages: [],
      receipts: [
        {
          destination: { kind: 'sms', value: ours },
          receipt: {
            provider: 'twilio',
            channel: 'sms',
            providerMessageId: sid,
            status: mapped,
            at: now,
            ...(error && /^\d{1,6}$/.test(error) ? { errorCode: `twilio_${error}` } : {}),
          },
        },
      ],
    };
  }
  const to = e164(p.get('To'));
  const from = e164(p.get('From'));
  if (!to || !from) return nothingParsed();
  const count = Math.min(Number.parseInt(p.get('NumMedia') ?? '0', 10) || 0, MAX_MEDIA);
  const accountSid = p.get('AccountSid') ?? '';
  const files: InboundFile[] = [];
  for (let i = 0; i < count; i++) {
    const url = p.get(`MediaUrl${i}`);
    if (url) files.push(mediaFile(url, p.get(`MediaContentType${i}`) ?? '', i, accountSid, media));
  }
  return {
    messages: [
      {
        destinations: [{ kind: 'sms', value: to }],
        message: { channel: 'sms', provider: 'twilio', providerMessageId: sid, from, receivedAt: now, text: p.get('Body') ?? '', files },
      },
    ],
    receipts: [],
  };
}
