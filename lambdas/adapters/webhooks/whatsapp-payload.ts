/**
 * WhatsApp Cloud API notifications (`field: messages`): inbound messages (text, and media whose
 * bytes are fetched through the Graph API media endpoint) and statuses (sent, delivered, read,
 * failed), routed by `metadata.phone_number_id`.
 */
import * as z from 'zod/mini';
import type { InboundFile } from '../../use-cases/inbound/events.js';
import { e164, fromEpochSeconds, type ParsedWebhook } from './drafts.js';

/** Fetches a media object's bytes by its id (Graph API: the media URL, then the bytes, with the access token). */
export type WhatsAppMediaFetch = (mediaId: string) => Promise<Uint8Array | null>;

const Media = z.object({ id: z.string(), mime_type: z.optional(z.string()), filename: z.optional(z.string()), caption: z.optional(z.string()) });
const Message = z.object({
  from: z.string(),
  id: z.string().check(z.minLength(1)),
  timestamp: z.optional(z.string()),
  type: z.string(),
  text: z.optional(z.object({ body: z.string() })),
  image: z.optional(Media),
  document: z.optional(Media),
  audio: z.optional(Media),
  video: z.optional(Media),
  sticker: z.optional(Media),
});
const Status = z.object({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  timestamp: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ code: z.optional(z.number()) }))),
});
const Value = z.object({
  metadata: z.object({ phone_number_id: z.string().check(z.minLength(1)) }),
  messages: z.optional(z.array(z.unknown())),
  statuses: z.optional(z.array(z.unknown())),
});
const Notification = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

const MEDIA_TYPES = ['image', 'document', 'audio', 'video', 'sticker'] as const;
const STATUS = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' } as const;

export function parseWhatsApp(body: unknown, fetchMedia: WhatsAppMediaFetch, now: string): ParsedWebhook {
  const out: ParsedWebhook = { messages: [], receipts: [] };
  const notification = Notification.safeParse(body);
  if (!notification.success) return out;
  for (const entry of notification.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = Value.safeParse(change.value);
      if (!value.success) continue;
      const destination = { kind: 'whatsapp' as const, value: value.data.metadata.phone_number_id };
      for (const raw of value.data.messages ?? []) {
        const m = Message.safeParse(raw);
        const from = m.success ? e164(m.data.from) : null;
        if (!m.success || !from) continue;
        const files: InboundFile[] = [];
        let caption = '';
        for (const type of MEDIA_TYPES) {
          const media = m.data[type];
          if (!media) continue;
          caption = media.caption ?? '';
          files.push({
            fileName: media.filename ?? `${type}-${media.id}`,
            contentType: media.mime_type ?? 'application/octet-stream',
            load: () => fetchMedia(media.id).catch(() => null),
          });
        }
        out.messages.push({
          destinations: [destination],
          message: {
            channel: 'whatsapp',
            provider: 'whatsapp',
            providerMessageId: m.data.id,
            from,
            receivedAt: fromEpochSeconds(m.data.timestamp, now),
            text: m.data.text?.body ?? caption,
            files,
          },
        });
      }
      for (const raw of value.data.statuses ?? []) {
        const s = Status.safeParse(raw);
        if (!s.success) continue;
        const status = STATUS[s.data.status as keyof typeof STATUS];
        if (!status) continue;
        const code = s.data.errors?.[0]?.code;
        out.receipts.push({
          destination,
          receipt: {
            provider: 'whatsapp',
            channel: 'whatsapp',
            providerMessageId: s.data.id,
            status,
            at: fromEpochSeconds(s.data.timestamp, now),
            ...(code !== undefined ? { errorCode: `whatsapp_${code}` } : {}),
          },
        });
      }
    }
  }
  return out;
}

/** The Graph API media fetch: `GET /<version>/<media-id>` gives a short-lived URL, fetched with the same bearer token. */
export function graphMediaFetch(options: { accessToken: () => Promise<string>; fetch?: typeof fetch; baseUrl?: string; version?: string }): WhatsAppMediaFetch {
  const f = options.fetch ?? globalThis.fetch;
  const base = (options.baseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  return async (mediaId) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(mediaId)) return null;
    const token = await options.accessToken();
    const headers = { authorization: `Bearer ${token}` };
    const meta = await f(`${base}/${options.version ?? 'v21.0'}/${mediaId}`, { headers, signal: AbortSignal.timeout(10_000) });
    if (!meta.ok) return null;
    const { url } = (await meta.json()) as { url?: unknown };
    if (typeof url !== 'string' || !url.startsWith('https://')) return null;
    const bytes = await f(url, { headers, signal: AbortSignal.timeout(10_000) });
    return bytes.ok ? new Uint8Array(await bytes.arrayBuffer()) : null;
  };
}
