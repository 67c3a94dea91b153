/**
 * Attachments: which files the service takes, how big, and which channel can carry which files.
 * Pure rules (no I/O): the upload, the check where the file landed, and the send path ask them.
 */
import { DomainError } from './errors.js';

/** The largest file: 10 MiB (the presigned POST's `content-length-range` upper bound). */
export const MAX_ATTACHMENT_BYTES = 10_485_760;

/** Files one message may carry (no limit a practice would meet; the contract asks for at least 100). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 100;

/** How each accepted type is recognised in its leading bytes. */
export type ContentFamily = 'detected' | 'ooxml' | 'odf' | 'text' | 'rtf';

/** The contract's list: images (JPEG, PNG, GIF, WebP, HEIC), PDF, DOCX, XLSX, PPTX, ODT, TXT, CSV, RTF. */
export const ACCEPTED_TYPES: Readonly<Record<string, ContentFamily>> = {
  'image/jpeg': 'detected',
  'image/png': 'detected',
  'image/gif': 'detected',
  'image/webp': 'detected',
  'image/heic': 'detected',
  'application/pdf': 'detected',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'ooxml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'ooxml',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'ooxml',
  'application/vnd.oasis.opendocument.text': 'odf',
  'text/plain': 'text',
  'text/csv': 'text',
  'application/rtf': 'rtf',
  'text/rtf': 'rtf',
};

/** The media type without parameters, lower-cased (`Text/Plain; charset=utf-8` → `text/plain`). */
export const bareType = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();

export const isAcceptedType = (contentType: string): boolean => Object.hasOwn(ACCEPTED_TYPES, bareType(contentType));

/** Before any upload: 413 over 10 MiB, 415 for a type outside the contract's list. */
export function assertUploadable(size: number, contentType: string): void {
  if (size > MAX_ATTACHMENT_BYTES) {
    throw new DomainError('attachment_too_large', `A file can be at most ${MAX_ATTACHMENT_BYTES} bytes (10 MB).`, {
      data: { maxBytes: MAX_ATTACHMENT_BYTES },
    });
  }
  if (!isAcceptedType(contentType)) {
    throw new DomainError(
      'unsupported_media_type',
      'Attach images (JPEG, PNG, GIF, WebP, HEIC), PDF or documents (DOCX, XLSX, PPTX, ODT, TXT, CSV, RTF).',
    );
  }
}

/** What a channel is asked to carry: each file's type and size. */
export interface CarriedFile {
  contentType: string;
  size: number;
}

/** SES v2: a raw message of at most 40 MB, after base64 (×4/3, plus line breaks). */
export const SES_MAX_MESSAGE_BYTES = 40_000_000;
/** Room kept for headers, the text and HTML bodies and each part's MIME headers. */
export const EMAIL_OVERHEAD_BYTES = 1_000_000;
const BASE64_FACTOR = (4 / 3) * (78 / 76);

/** The encoded size of a raw email carrying these files (an upper estimate). */
export const emailEncodedBytes = (files: readonly CarriedFile[]): number =>
  Math.ceil(files.reduce((sum, f) => sum + f.size * BASE64_FACTOR + 2_000, EMAIL_OVERHEAD_BYTES));

/**
 * WhatsApp Cloud API media: JPEG and PNG as images (at most 5 MB), PDF, DOCX, XLSX, PPTX and
 * plain text as documents (at most 100 MB). Anything else (GIF, WebP, HEIC, ODT, CSV, RTF) it
 * refuses, or shows as something else (WebP is a sticker).
 */
const WHATSAPP_MEDIA: Readonly<Record<string, { kind: 'image' | 'document'; maxBytes: number }>> = {
  'image/jpeg': { kind: 'image', maxBytes: 5 * 1024 * 1024 },
  'image/png': { kind: 'image', maxBytes: 5 * 1024 * 1024 },
  'application/pdf': { kind: 'document', maxBytes: 100 * 1024 * 1024 },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', maxBytes: 100 * 1024 * 1024 },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'document', maxBytes: 100 * 1024 * 1024 },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'document', maxBytes: 100 * 1024 * 1024 },
  'text/plain': { kind: 'document', maxBytes: 100 * 1024 * 1024 },
};

/** How WhatsApp carries a file: an image or a document message; null when it cannot. */
export function whatsappMediaKind(file: CarriedFile): 'image' | 'document' | null {
  const media = WHATSAPP_MEDIA[bareType(file.contentType)];
  return media && file.size <= media.maxBytes ? media.kind : null;
}

/**
 * At send time, before anything is written: email within SES's raw size limit, WhatsApp only
 * the types (and sizes) it takes; 422 `attachments_too_large_for_channel` otherwise. Portal
 * carries any accepted file; SMS none (refused before, 400 attachments_not_allowed).
 */
export function assertChannelCarries(channel: string, files: readonly CarriedFile[]): void {
  if (files.length === 0) return;
  if (channel === 'email' && emailEncodedBytes(files) > SES_MAX_MESSAGE_BYTES) {
    throw new DomainError(
      'attachments_too_large_for_channel',
      `These files make the email larger than the 40 MB an email can carry (about ${Math.floor((SES_MAX_MESSAGE_BYTES - EMAIL_OVERHEAD_BYTES) * 0.73 / 1_000_000)} MB of files); send some in another message.`,
      { data: { channel } },
    );
  }
  if (channel === 'whatsapp') {
    const refused = files.map((f, i) => ({ f, i })).filter(({ f }) => whatsappMediaKind(f) === null);
    if (refused.length > 0) {
      throw new DomainError(
        'attachments_too_large_for_channel',
        'WhatsApp carries JPEG and PNG images up to 5 MB, and PDF, DOCX, XLSX, PPTX and TXT documents; send these files on another channel.',
        { data: { channel }, errors: refused.map(({ i }) => ({ path: `attachmentIds.${i}`, message: 'WhatsApp cannot carry this file' })) },
      );
    }
  }
}
