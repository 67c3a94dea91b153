/** Attachments: upload, check where it landed, download; the send path's catalog; the inbound intake. */
export { createUpload, objectKey, UPLOAD_EXPIRES_SECONDS, type UploadInput } from './upload.js';
export { completeUpload, checkObject, SCAN_CLEAN, SCAN_THREATS } from './complete.js';
export { getAttachment, DOWNLOAD_EXPIRES_SECONDS, type CarrierReader, type DownloadDeps } from './download.js';
export { attachmentCatalog } from './catalog.js';
export { ingestInboundFile, SYSTEM_OWNER, type InboundFile, type IngestedAttachment, type IngestResult } from './ingest.js';
export { contentMismatch, LEADING_BYTES } from './content-check.js';
export type * from './ports.js';
