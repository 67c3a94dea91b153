/**
 * Files that arrive inbound (email parts, WhatsApp media, MMS): the same checks as an upload
 * (size, accepted type, the bytes against the type), then stored and recorded `ready`, owned by
 * the practice (`system`). The inbound use case calls this and attaches what comes back; a
 * refused file comes back as a reason (no file name, no content in it).
 */
import { ulid } from 'ulid';
import { MAX_ATTACHMENT_BYTES, bareType, isAcceptedType } from '../../domain/attachment-rules.js';
import { contentMismatch, LEADING_BYTES } from './content-check.js';
import type { AttachmentDeps, AttachmentRecord } from './ports.js';
import { objectKey } from './upload.js';

export interface InboundFile {
  practiceId: string;
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface IngestedAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  key: string;
}

export type IngestResult = { ok: true; attachment: IngestedAttachment } | { ok: false; reason: string };

/** The practice itself owns inbound files: nobody can attach them elsewhere; readers of their conversation download them. */
export const SYSTEM_OWNER = { type: 'system', id: 'inbound' } as const;

export async function ingestInboundFile(deps: Pick<AttachmentDeps, 'attachments' | 'files' | 'now' | 'newId'>, file: InboundFile): Promise<IngestResult> {
  const size = file.bytes.byteLength;
  if (size === 0) return { ok: false, reason: 'empty' };
  if (size > MAX_ATTACHMENT_BYTES) return { ok: false, reason: 'too_large' };
  if (!isAcceptedType(file.contentType)) return { ok: false, reason: 'unsupported_type' };
  const contentType = bareType(file.contentType);
  const mismatch = await contentMismatch(contentType, file.bytes.subarray(0, LEADING_BYTES), size <= LEADING_BYTES);
  if (mismatch) return { ok: false, reason: mismatch };

  const id = (deps.newId ?? ulid)();
  const key = objectKey(file.practiceId, id);
  const at = deps.now().toISOString();
  const fileName = file.fileName.trim().slice(0, 255) || 'attachment';
  await deps.files.put(key, file.bytes, contentType);
  const record: AttachmentRecord = {
    id,
    owner: { ...SYSTEM_OWNER },
    fileName,
    contentType,
    declaredSize: size,
    size,
    status: 'ready',
    key,
    createdAt: at,
    uploadExpiresAt: at,
    completedAt: at,
    attachedTo: [],
  };
  await deps.attachments.create(file.practiceId, record);
  return { ok: true, attachment: { id, fileName, contentType, size, key } };
}
