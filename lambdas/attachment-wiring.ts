/**
 * The attachments function's composition: the attachment records (the same table adapter the send
 * path's catalog uses, wiring/conversations.ts) and the S3 file store. Kept apart from wiring.ts so that only
 * the attachments function bundles the S3 client and the file-type detector.
 */
import { config } from './config.js';
import { DynamoAttachmentRepository, dynamoCarrierReader } from './adapters/dynamo/attachment-repository.js';
import { s3Client } from './adapters/s3/client.js';
import { S3FileStore } from './adapters/s3/file-store.js';
import type { DownloadDeps } from './use-cases/attachments/index.js';
import { systemClock } from './use-cases/clock.js';

export const attachmentDeps: DownloadDeps = {
  attachments: new DynamoAttachmentRepository(),
  files: new S3FileStore(s3Client(), config.ATTACHMENTS_BUCKET),
  carriers: dynamoCarrierReader,
  now: systemClock,
  malwareScan: config.MALWARE_SCAN === 'on',
};
