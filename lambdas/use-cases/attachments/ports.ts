/**
 * Ports of the attachment use cases: the attachment records (DynamoDB) and the file store (S3).
 * A record is created `pending` with a presigned upload; `complete` checks the object where it
 * landed and makes it `ready` or `rejected` (the object deleted); a send marks the messages
 * that carry it, which is what lets their conversations' readers download it.
 */
import type { Clock } from '../clock.js';

export type AttachmentStatus = 'pending' | 'ready' | 'rejected';

/** Who uploaded it: a staff member, a patient, or the practice itself (an inbound file). */
export interface AttachmentOwner {
  type: 'staff' | 'patient' | 'system';
  id: string;
}

export interface AttachmentRecord {
  id: string;
  owner: AttachmentOwner;
  fileName: string;
  /** The declared type, as the upload policy fixed it (parameters stripped, lower case). */
  contentType: string;
  /** The declared size at creation; `size` is the real one once checked. */
  declaredSize: number;
  size?: number;
  status: AttachmentStatus;
  /** Why it is rejected (or still pending after the check: the malware scan). */
  reason?: string;
  /** Object key in the attachments bucket. */
  key: string;
  createdAt: string;
  /** When the presigned upload expires. */
  uploadExpiresAt: string;
  completedAt?: string;
  /** `<conversationId>#<messageId>` of each message that carries it (a send marks it before it writes). */
  attachedTo: string[];
}

/** How the check ended. */
export type CompleteOutcome =
  | { status: 'ready'; size: number }
  | { status: 'rejected'; size: number; reason: string }
  | { status: 'pending'; size: number; reason: string };

export interface AttachmentRepository {
  /** A new record (conditional: the id is new). */
  create(practiceId: string, record: AttachmentRecord): Promise<void>;
  get(practiceId: string, id: string): Promise<AttachmentRecord | null>;
  /** Many by id (BatchGetItem); absent ids are left out. */
  getMany(practiceId: string, ids: readonly string[]): Promise<AttachmentRecord[]>;
  /** pending → ready or rejected, only while still pending; the record as it is now (null if gone). */
  settle(practiceId: string, id: string, outcome: CompleteOutcome & { status: 'ready' | 'rejected' }, at: string): Promise<AttachmentRecord | null>;
  /** Adds `<conversationId>#<messageId>` to each record's attachedTo (one UpdateItem each, in parallel). */
  markAttached(practiceId: string, ids: readonly string[], conversationId: string, messageId: string): Promise<void>;
}

/** The S3 side: presigned upload and download, the check's reads, tags, delete. */
export interface FileStore {
  /** A presigned POST: exactly this key and content type, 1..maxBytes, valid for `expiresInSeconds`. */
  presignUpload(key: string, contentType: string, maxBytes: number, expiresInSeconds: number): Promise<{ url: string; fields: Record<string, string> }>;
  /** The object's real size, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** The first `count` bytes (a ranged GET; never the whole object). */
  leadingBytes(key: string, count: number): Promise<Uint8Array>;
  /** The GuardDuty Malware Protection verdict tag (`GuardDutyMalwareScanStatus`), null when not (yet) tagged. */
  scanStatus(key: string): Promise<string | null>;
  /** The object is kept: it leaves the never-completed uploads the lifecycle rule removes. */
  keep(key: string): Promise<void>;
  /** Stores bytes already checked (an inbound file), kept like a completed upload. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** A presigned GET valid for `expiresInSeconds`, answered as an attachment named `fileName`. */
  downloadUrl(key: string, fileName: string, contentType: string, expiresInSeconds: number): Promise<string>;
}

export interface AttachmentDeps {
  attachments: AttachmentRepository;
  files: FileStore;
  now: Clock;
  /** GuardDuty Malware Protection for S3 is on: `ready` only once the scan tag says NO_THREATS_FOUND. */
  malwareScan: boolean;
  /** New ids (tests pass their own). */
  newId?: () => string;
}
