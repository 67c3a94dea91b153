/**
 * Files that came with an inbound message: each goes through the attachments intake (the same
 * size and type checks as an upload); one over 10 MB, of a refused type, that cannot be fetched,
 * or when no intake is wired, is dropped, and the message body says how many were (never their
 * names or content).
 */
import type { InboundMessageEvent } from './events.js';
import type { InboundAttachment, InboundDeps } from './ports.js';

export const MAX_INBOUND_FILE_BYTES = 10 * 1024 * 1024;
/** A message body is kept up to this many characters (an item stays far below DynamoDB's 400 KB). */
export const MAX_INBOUND_TEXT = 50_000;
/** At most this many files of one message are looked at; the rest are dropped. */
const MAX_FILES = 20;

export async function acceptFiles(deps: InboundDeps, e: InboundMessageEvent): Promise<{ kept: InboundAttachment[]; dropped: number }> {
  const kept: InboundAttachment[] = [];
  let dropped = Math.max(0, e.files.length - MAX_FILES);
  for (const f of e.files.slice(0, MAX_FILES)) {
    const attachment = await accept(deps, e.practiceId, f).catch(() => null);
    if (attachment) kept.push(attachment);
    else dropped++;
  }
  return { kept, dropped };
}

async function accept(deps: InboundDeps, practiceId: string, f: InboundMessageEvent['files'][number]): Promise<InboundAttachment | null> {
  if (!deps.ingestFile || (f.size !== undefined && f.size > MAX_INBOUND_FILE_BYTES)) return null;
  const bytes = await f.load();
  if (!bytes || bytes.byteLength === 0 || bytes.byteLength > MAX_INBOUND_FILE_BYTES) return null;
  return deps.ingestFile({ practiceId, fileName: f.fileName, contentType: f.contentType, bytes });
}

/** Control characters other than newline and tab, and bidirectional overrides and isolates (never shown to staff). */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** Text without unsafe characters, cut at `max` characters (not inside a surrogate pair). */
export function limitedText(raw: string, max = MAX_INBOUND_TEXT): string {
  const text = raw.replace(UNSAFE, '');
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, cut)}\n[message shortened]`;
}

/** The body with a system note when files were dropped. */
export function bodyWithNotes(text: string, dropped: number): string {
  if (dropped === 0) return text;
  const note = `[${dropped} attachment${dropped === 1 ? '' : 's'} could not be accepted (over 10 MB or a refused type)]`;
  return text ? `${text}\n\n${note}` : note;
}
