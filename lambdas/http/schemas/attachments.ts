import { MAX_ATTACHMENT_BYTES } from '../../domain/attachment-rules.js';
import { Id, Timestamp } from './common.js';
import * as z from './zod.js';

export const CreateAttachment = z.doc(
  z.strictObject({
    fileName: z.doc(
      z
        .string()
        .check(
          z.trim(),
          z.minLength(1),
          z.maxLength(255),
          z.regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'A file name without control characters or path separators'),
        ),
      { example: 'lab-results.pdf' },
    ),
    contentType: z.doc(z.string().check(z.minLength(1), z.maxLength(255)), {
      description:
        'The media type; images (image/jpeg, image/png, image/gif, image/webp, image/heic), application/pdf, DOCX, XLSX, PPTX, ODT, text/plain, text/csv, application/rtf. Anything else: 415 unsupported_media_type',
      example: 'application/pdf',
    }),
    size: z.doc(z.number().check(z.int(), z.gte(1), z.lte(Number.MAX_SAFE_INTEGER)), {
      description: `Bytes; at most ${MAX_ATTACHMENT_BYTES} (10 MB), more: 413 attachment_too_large`,
    }),
  }),
  { id: 'CreateAttachment' },
);

export const AttachmentUpload = z.doc(
  z.object({
    id: Id,
    status: z.literal('pending'),
    upload: z.doc(
      z.object({
        url: z.doc(z.string(), { description: 'POST a multipart/form-data form here: every field below, then the file as the last field, `file`' }),
        fields: z.record(z.string(), z.string()),
      }),
      { description: 'An S3 presigned POST: key, content type and size (1..10,485,760 bytes) are fixed by its policy' },
    ),
    expiresAt: z.doc(Timestamp, { description: 'The upload must start before this (5 minutes)' }),
  }),
  { id: 'AttachmentUpload' },
);

export const AttachmentCompleted = z.doc(
  z.object({
    id: Id,
    status: z.doc(z.enum(['ready', 'rejected', 'pending']), {
      description:
        'ready: it can be attached; rejected: the object was deleted (see reason); pending: the malware scan has not answered yet, complete again later',
    }),
    size: z.doc(z.number().check(z.int()), { description: 'The real size of the object' }),
    contentType: z.string(),
    reason: z.doc(z.optional(z.string()), {
      description: 'not_uploaded, too_large, empty, content_does_not_match_type, content_is_not_text, malware_found; scan_pending while pending',
    }),
  }),
  { id: 'AttachmentCompleted' },
);

export const Attachment = z.doc(
  z.object({
    id: Id,
    status: z.enum(['pending', 'ready', 'rejected']),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().check(z.int()),
    createdAt: Timestamp,
    reason: z.optional(z.string()),
    downloadUrl: z.doc(z.optional(z.string()), { description: 'A presigned GET, valid 5 minutes; only when ready' }),
    expiresAt: z.doc(z.optional(Timestamp), { description: 'When downloadUrl stops working' }),
  }),
  { id: 'Attachment' },
);

/** A file as a message shows it. */
export const MessageAttachment = z.doc(z.object({ id: Id, fileName: z.string(), contentType: z.string(), size: z.number().check(z.int()) }), {
  id: 'MessageAttachment',
});
