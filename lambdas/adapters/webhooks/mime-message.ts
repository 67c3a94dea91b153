/**
 * An inbound email's MIME, parsed with postal-mime: the sender, subject, the text part (or the
 * HTML turned to text by the rich-text rule when there is no text part), the Message-IDs it answers
 * (`In-Reply-To`, `References`) and its files, whose bytes are already in hand.
 */
import PostalMime from 'postal-mime';
import type { InboundFile } from '../../use-cases/inbound/events.js';
import { normalizeEmail } from '../../domain/contact-address.js';
import { textOfHtml } from '../../domain/rich-text.js';

export interface InboundMime {
  from: string | null;
  subject?: string;
  text: string;
  inReplyTo: string[];
  files: InboundFile[];
}

/** HTML to plain text (the rich-text rule's parser walk: script and style contents never become text, blocks become lines, entities decoded). */
export const htmlToText = (html: string): string => textOfHtml(html).trim();

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
