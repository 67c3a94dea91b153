/** Attachments: upload (presigned POST), the check where it landed, download (presigned GET). */
import { route } from '../route-record.js';
import * as a from '../schemas/attachments.js';

export const attachmentRoutes = {
  createAttachment: route({
    method: 'POST',
    path: '/v1/attachments',
    auth: 'jwt',
    summary: 'Start an upload (up to 10 MB): an S3 presigned POST for exactly this file',
    tag: 'attachments',
    body: a.CreateAttachment,
    success: { status: 201, schema: a.AttachmentUpload },
    errors: ['attachment_too_large', 'unsupported_media_type'],
    idempotent: true,
  }),
  completeAttachment: route({
    method: 'POST',
    path: '/v1/attachments/{id}/complete',
    auth: 'jwt',
    summary: 'Check the uploaded object (real size, leading bytes against the type): ready or rejected (and deleted)',
    tag: 'attachments',
    success: { status: 200, schema: a.AttachmentCompleted },
    errors: ['not_found'],
  }),
  getAttachment: route({
    method: 'GET',
    path: '/v1/attachments/{id}',
    auth: 'jwt',
    summary: 'Metadata and a 5-minute download URL (the uploader, and readers of a message that carries it)',
    tag: 'attachments',
    success: { status: 200, schema: a.Attachment },
    errors: ['not_found'],
  }),
};
