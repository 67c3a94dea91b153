/**
 * `GET /v1/attachments/{id}`: metadata and a 5-minute presigned GET. Who may have it: the
 * uploader (before and after it is attached), and whoever may read a message that carries it
 * (participants of its conversation, and admins: the conversations' own reading rule). Anyone
 * else, other practices included, gets 404. One GetItem for the record, and one BatchGetItem for
 * the conversations and messages that carry it (skipped for the uploader).
 */
import type { Caller } from '../../domain/caller.js';
import { assertMayRead } from '../../domain/conversation-policy.js';
import { notFound } from '../../domain/errors.js';
import type { AttachmentDeps, AttachmentRecord } from './ports.js';

export const DOWNLOAD_EXPIRES_SECONDS = 300;

/** Whether the caller may read one of the messages that carry it. */
export interface CarrierReader {
  /** Of these `<conversationId>#<messageId>` marks, does one name a message (still there) of a conversation the caller may read? */
  mayReadAny(caller: Caller, marks: readonly string[], mayRead: (participants: Parameters<typeof assertMayRead>[1]) => boolean): Promise<boolean>;
}

export interface DownloadDeps extends AttachmentDeps {
  carriers: CarrierReader;
}

const mayReadWith = (caller: Caller) => (participants: Parameters<typeof assertMayRead>[1]): boolean => {
  try {
    assertMayRead(caller, participants);
    return true;
  } catch {
    return false;
  }
};

const isOwner = (caller: Caller, r: AttachmentRecord): boolean => r.owner.type === caller.kind && r.owner.id === caller.id;

export async function getAttachment(deps: DownloadDeps, caller: Caller, id: string) {
  const record = await deps.attachments.get(caller.practiceId, id);
  if (!record) throw notFound('Attachment');
  const owner = isOwner(caller, record);
  if (!owner) {
    const allowed =
      record.status === 'ready' &&
      record.attachedTo.length > 0 &&
      (await deps.carriers.mayReadAny(caller, record.attachedTo, mayReadWith(caller)));
    if (!allowed) throw notFound('Attachment');
  }
  const base = {
    id: record.id,
    status: record.status,
    fileName: record.fileName,
    contentType: record.contentType,
    size: record.size ?? record.declaredSize,
    createdAt: record.createdAt,
    ...(record.reason ? { reason: record.reason } : {}),
  };
  if (record.status !== 'ready') return base;
  const downloadUrl = await deps.files.downloadUrl(record.key, record.fileName, record.contentType, DOWNLOAD_EXPIRES_SECONDS);
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_EXPIRES_SECONDS * 1000).toISOString();
  return { ...base, downloadUrl, expiresAt };
}
