/**
 * An inbound email's MIME, parsed with postal-mime: the sender, subject, the text part (or the
 * HTML turned to text with sanitize-html when there is no text part), the Message-IDs it answers
 * (`In-Reply-To`, `References`) and its files, whose bytes are already in hand.
 */
import PostalMime from 'postal-mime';
import sanitizeHtml from 'sanitize-html';
import type { InboundFile } from '../../use-cases/inbound/events.js';
import { normalizeEmail } from '../../domain/contact-address.js';

export interface InboundMime {
  from: string | null;
  subject?: string;
  text: string;
  inReplyTo: string[];
  files: InboundFile[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** HTML to plain text: no tags kept, block ends become line breaks, entities decoded. */
export function htmlToText(html: string): string {
  const withBreaks = html.replace(/<\s*(br|\/p|\/div|\/li|\/tr|\/h[1-6])\b[^>]*>/gi, '$&\n');
  const stripped = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['style', 'script', 'textarea', 'option', 'head', 'title'] });
  return stripped
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `<a@b> <c@d>` → `['a@b', 'c@d']`. */
export function messageIds(...headers: (string | undefined)[]): string[] {
  const ids = new Set<string>();
  for (const h of headers) for (const m of (h ?? '').matchAll(/<([^<>\s]+)>/g)) ids.add(m[1] as string);
  return [...ids];
}

export async function parseInboundMime(raw: Uint8Array): Promise<InboundMime> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const text = email.text?.trim() ? email.text.trim() : email.html ? htmlToText(email.html) : '';
  const files: InboundFile[] = email.attachments.map((a, i) => {
    const bytes = typeof a.content === 'string' ? Buffer.from(a.content, a.encoding === 'base64' ? 'base64' : 'utf8') : new Uint8Array(a.content);
    return {
      fileName: a.filename ?? `attachment-${i + 1}`,
      contentType: a.mimeType || 'application/octet-stream',
      size: bytes.byteLength,
      load: async () => bytes,
    };
  });
  return {
    from: email.from?.address ? normalizeEmail(email.from.address) : null,
    ...(email.subject !== undefined ? { subject: email.subject } : {}),
    text,
    inReplyTo: messageIds(email.inReplyTo, email.references),
    files,
  };
}
