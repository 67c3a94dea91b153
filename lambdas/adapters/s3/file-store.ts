/**
 * The attachments bucket through the AWS SDK: presigned POST (upload) and GET (download),
 * HeadObject and one ranged GET for the check (never the whole object), the GuardDuty scan tag,
 * the lifecycle tag, and the whole object for the sender. Every byte read from S3 is counted
 * (process-wide, names and numbers only) so the benchmark can show what `complete` reads.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore } from '../../use-cases/attachments/ports.js';
import type { AttachmentBytes } from '../../use-cases/provider-ports.js';

/** The lifecycle rule removes objects tagged `upload=pending` a day after they were written. */
export const UPLOAD_TAG = 'upload';
export const PENDING = 'pending';
export const KEPT = 'complete';
/** GuardDuty Malware Protection for S3 writes its verdict in this tag. */
export const SCAN_TAG = 'GuardDutyMalwareScanStatus';

const taggingXml = (key: string, value: string) =>
  `<Tagging><TagSet><Tag><Key>${key}</Key><Value>${value}</Value></Tag></TagSet></Tagging>`;

const COUNTER = Symbol.for('practice-messaging.s3-bytes-read');
const holder = globalThis as unknown as Record<symbol, { bytes: number; gets: number } | undefined>;
const counter = () => (holder[COUNTER] ??= { bytes: 0, gets: 0 });
/** Bytes (and GetObject calls) read from S3 by this process since the last reset. */
export const s3BytesRead = (): { bytes: number; gets: number } => ({ ...counter() });
export const resetS3BytesRead = (): void => {
  holder[COUNTER] = { bytes: 0, gets: 0 };
};

const isMissing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export class S3FileStore implements FileStore, AttachmentBytes {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presignUpload(key: string, contentType: string, maxBytes: number, expiresInSeconds: number) {
    const tagging = taggingXml(UPLOAD_TAG, PENDING);
    return createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      Fields: { 'Content-Type': contentType, tagging },
      Conditions: [['content-length-range', 1, maxBytes], { 'Content-Type': contentType }, { tagging }],
      Expires: expiresInSeconds,
    });
  }

  async size(key: string): Promise<number | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async leadingBytes(key: string, count: number): Promise<Uint8Array> {
    if (count <= 0) return new Uint8Array();
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${count - 1}` }));
    const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    counter().bytes += bytes.byteLength;
    counter().gets++;
    // A server that ignores Range (never S3) must not make the check read more than asked.
    return bytes.subarray(0, count);
  }

  async scanStatus(key: string): Promise<string | null> {
    const out = await this.client.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key }));
    return out.TagSet?.find((t) => t.Key === SCAN_TAG)?.Value ?? null;
  }

  /** Replaces `upload=pending` with `upload=complete`, keeping every other tag (GuardDuty's verdict). */
  async keep(key: string): Promise<void> {
    const current = await this.client.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key }));
    const others: Tag[] = (current.TagSet ?? []).filter((t) => t.Key !== UPLOAD_TAG);
    await this.client.send(
      new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet: [...others, { Key: UPLOAD_TAG, Value: KEPT }] } }),
    );
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, Tagging: `${UPLOAD_TAG}=${KEPT}` }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  downloadUrl(key: string, fileName: string, contentType: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: contentDisposition(fileName),
        ResponseContentType: contentType,
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  /** The whole file, for a sender (email MIME parts, WhatsApp media upload). */
  async read(key: string): Promise<Uint8Array> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    counter().bytes += bytes.byteLength;
    counter().gets++;
    return bytes;
  }
}
