/**
 * The raw MIME of an email with files or HTML, built by nodemailer's MIME composer (never by
 * hand): multipart/mixed around a multipart/alternative (text + HTML) when there is HTML, the
 * files as attachment parts, `Reply-To`, and the `X-Practice-Id` header receipts use.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutboundMessage } from '../../use-cases/provider-ports.js';

export const PRACTICE_HEADER = 'X-Practice-Id';

export interface MimeFile {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

export async function composeMime(from: string, message: OutboundMessage, files: readonly MimeFile[]): Promise<Uint8Array> {
  const composer = new MailComposer({
    from,
    to: message.to,
    subject: message.subject ?? '',
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    headers: { [PRACTICE_HEADER]: message.practiceId },
    attachments: files.map((f) => ({
      filename: f.fileName,
      contentType: f.contentType,
      content: Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength),
      contentDisposition: 'attachment' as const,
    })),
    // Lines of base64 and quoted-printable only: nothing depends on 8-bit transport.
    textEncoding: 'quoted-printable',
  });
  const raw = await composer.compile().build();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}
