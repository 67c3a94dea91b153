/** Starting an upload: the rules, a pending record, a presigned POST for exactly that key, type and size range. */
import { ulid } from 'ulid';
import type { Caller } from '../../domain/caller.js';
import { MAX_ATTACHMENT_BYTES, assertUploadable, bareType } from '../../domain/attachment-rules.js';
import type { AttachmentDeps, AttachmentOwner, AttachmentRecord } from './ports.js';

/** How long a presigned upload is valid. */
export const UPLOAD_EXPIRES_SECONDS = 300;

export interface UploadInput {
  fileName: string;
  contentType: string;
  size: number;
}

/** Where a practice's file lives: under the practice and the attachment id (`files/` is the only prefix the functions may use). */
export const objectKey = (practiceId: string, id: string): string => `files/${practiceId}/${id}`;

export const ownerOf = (caller: Caller): AttachmentOwner => ({ type: caller.kind, id: caller.id });

export async function createUpload(deps: AttachmentDeps, caller: Caller, input: UploadInput) {
  assertUploadable(input.size, input.contentType);
  const id = (deps.newId ?? ulid)();
  const now = deps.now();
  const contentType = bareType(input.contentType);
  const key = objectKey(caller.practiceId, id);
  const upload = await deps.files.presignUpload(key, contentType, MAX_ATTACHMENT_BYTES, UPLOAD_EXPIRES_SECONDS);
  const expiresAt = new Date(now.getTime() + UPLOAD_EXPIRES_SECONDS * 1000).toISOString();
  const record: AttachmentRecord = {
    id,
    owner: ownerOf(caller),
    fileName: input.fileName,
    contentType,
    declaredSize: input.size,
    status: 'pending',
    key,
    createdAt: now.toISOString(),
    uploadExpiresAt: expiresAt,
    attachedTo: [],
  };
  await deps.attachments.create(caller.practiceId, record);
  return { id, status: 'pending' as const, upload, expiresAt };
}
