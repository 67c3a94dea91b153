import { MAX_ATTACHMENT_BYTES } from '../../domain/attachment-rules.js';
import { Id, Timestamp } from './common.js';
import * as z from './zod.js';

export const CreateAttachment = z
  .strictObject({
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'A file name without control characters or path separators')
      .openapi({ example: 'lab-results.pdf' }),
    contentType: z
      .string()
      .min(1)
      .max(255)
      .openapi({
        description:
          'The media type; images (image/jpeg, image/png, image/gif, image/webp, image/heic), application/pdf, DOCX, XLSX, PPTX, ODT, text/plain, text/csv, application/rtf. Anything else: 415 unsupported_media_type',
        example: 'application/pdf',
      }),
    size: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .openapi({ description: `Bytes; at most ${MAX_ATTACHMENT_BYTES} (10 MB), more: 413 attachment_too_large` }),
  })
  .openapi('CreateAttachment');

export const AttachmentUpload = z
  .object({
    id: Id,
    status: z.literal('pending'),
    upload: z
      .object({
        url: z.string().openapi({ description: 'POST a multipart/form-data form here: every field below, then the file as the last field, `file`' }),
        fields: z.record(z.string(), z.string()),
      })
      .openapi({ description: 'An S3 presigned POST: key, content type and size (1..10,485,760 bytes) are fixed by its policy' }),
    expiresAt: Timestamp.openapi({ description: 'The upload must start before this (5 minutes)' }),
  })
  .openapi('AttachmentUpload');

export const AttachmentCompleted = z
  .object({
    id: Id,
    status: z.enum(['ready', 'rejected', 'pending']).openapi({
      description: 'ready: it can be attached; rejected: the object was deleted (see reason); pending: the malware scan has not answered yet, complete again later',
    }),
    size: z.number().int().openapi({ description: 'The real size of the object' }),
    contentType: z.string(),
    reason: z
      .string()
      .optional()
      .openapi({ description: 'not_uploaded, too_large, empty, content_does_not_match_type, content_is_not_text, malware_found; scan_pending while pending' }),
  })
  .openapi('AttachmentCompleted');

export const Attachment = z
  .object({
    id: Id,
    status: z.enum(['pending', 'ready', 'rejected']),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    createdAt: Timestamp,
    reason: z.string().optional(),
    downloadUrl: z.string().optional().openapi({ description: 'A presigned GET, valid 5 minutes; only when ready' }),
    expiresAt: Timestamp.optional().openapi({ description: 'When downloadUrl stops working' }),
  })
  .openapi('Attachment');

/** A file as a message shows it. */
export const MessageAttachment = z
  .object({ id: Id, fileName: z.string(), contentType: z.string(), size: z.number().int() })
  .openapi('MessageAttachment');
