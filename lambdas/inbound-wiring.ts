/**
 * Composition of the inbound use cases (beside lambdas/wiring.ts): the sink the webhook edge
 * calls (`inbound`: messages and delivery receipts) and the deps of the quarantine and
 * suppression routes. The records and metrics are lambdas/wiring/inbound-records.ts (shared with
 * the SMS subscriber, which has no files); the S3 file intake is added here.
 */
import { config } from './config.js';
import { systemClock } from './use-cases/clock.js';
import type { InboundSink } from './use-cases/inbound/events.js';
import { inboundSink, type InboundDeps } from './use-cases/inbound/index.js';
import { ingestInboundFile } from './use-cases/attachments/index.js';
import { DynamoAttachmentRepository } from './adapters/dynamo/attachment-repository.js';
import { S3FileStore } from './adapters/s3/file-store.js';
import { s3Client } from './adapters/s3/client.js';
import { inboundMetrics, inboundRecordDeps } from './wiring/inbound-records.js';

export { inboundMetrics };

/** Inbound files go through the attachments intake (same checks as an upload) into the attachments bucket. */
const attachmentRecords = new DynamoAttachmentRepository();
const intakeDeps = { attachments: attachmentRecords, files: new S3FileStore(s3Client(), config.ATTACHMENTS_BUCKET), now: systemClock };

export const inboundDeps: InboundDeps = {
  ...inboundRecordDeps,
  ingestFile: async (file) => {
    const result = await ingestInboundFile(intakeDeps, file);
    return result.ok ? result.attachment : null;
  },
  markAttached: (practiceId, ids, conversationId, messageId) => attachmentRecords.markAttached(practiceId, ids, conversationId, messageId),
};

/** What the webhook edge hands verified, parsed, routed events to. */
export const inbound: InboundSink = inboundSink(inboundDeps);
