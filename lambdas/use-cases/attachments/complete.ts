/**
 * `complete`: the object is checked where it landed. Its real size (HeadObject) and its leading
 * bytes (one ranged GET of a few KB, never the whole object) against the declared type; with
 * GuardDuty Malware Protection on, its scan tag. A mismatch, an object over 10 MB or a missing
 * one is `rejected` and deleted. Only the uploader completes (404 for anyone else); completing
 * again answers the same result.
 */
import type { Caller } from '../../domain/caller.js';
import { MAX_ATTACHMENT_BYTES } from '../../domain/attachment-rules.js';
import { notFound } from '../../domain/errors.js';
import { contentMismatch, LEADING_BYTES } from './content-check.js';
import type { AttachmentDeps, AttachmentRecord, CompleteOutcome } from './ports.js';
import { ownerOf } from './upload.js';

/** GuardDuty Malware Protection for S3 tags each scanned object with this verdict. */
export const SCAN_CLEAN = 'NO_THREATS_FOUND';
export const SCAN_THREATS = 'THREATS_FOUND';

export const completedView = (r: AttachmentRecord) => ({
  id: r.id,
  status: r.status,
  size: r.size ?? r.declaredSize,
  contentType: r.contentType,
  ...(r.reason ? { reason: r.reason } : {}),
});

const isOwner = (caller: Caller, r: AttachmentRecord): boolean => r.owner.type === caller.kind && r.owner.id === caller.id;

export async function completeUpload(deps: AttachmentDeps, caller: Caller, id: string) {
  const record = await deps.attachments.get(caller.practiceId, id);
  if (!record || !isOwner(caller, record)) throw notFound('Attachment');
  if (record.status !== 'pending') return completedView(record);

  const outcome = await checkObject(deps, record.key, record.contentType);
  if (outcome.status === 'pending') return completedView({ ...record, size: outcome.size, reason: outcome.reason });
  if (outcome.status === 'rejected') await deps.files.delete(record.key);
  else await deps.files.keep(record.key);
  const settled = await deps.attachments.settle(caller.practiceId, id, outcome, deps.now().toISOString());
  if (!settled) throw notFound('Attachment');
  return completedView(settled);
}

/** The checks, in order: there, not too big, not empty, the right kind of bytes, scanned clean (when scanning). */
export async function checkObject(deps: Pick<AttachmentDeps, 'files' | 'malwareScan'>, key: string, contentType: string): Promise<CompleteOutcome> {
  const size = await deps.files.size(key);
  if (size === null) return { status: 'rejected', size: 0, reason: 'not_uploaded' };
  if (size > MAX_ATTACHMENT_BYTES) return { status: 'rejected', size, reason: 'too_large' };
  if (size === 0) return { status: 'rejected', size, reason: 'empty' };
  const leading = await deps.files.leadingBytes(key, Math.min(size, LEADING_BYTES));
  const mismatch = await contentMismatch(contentType, leading, leading.length >= size);
  if (mismatch) return { status: 'rejected', size, reason: mismatch };
  if (deps.malwareScan) {
    const scan = await deps.files.scanStatus(key);
    if (scan === SCAN_THREATS) return { status: 'rejected', size, reason: 'malware_found' };
    if (scan !== SCAN_CLEAN) return { status: 'pending', size, reason: scan ? `scan_${scan.toLowerCase()}` : 'scan_pending' };
  }
  return { status: 'ready', size };
}
