/**
 * Composition of the inbound use cases (beside lambdas/wiring.ts): the sink the webhook edge
 * calls (`inbound`: messages and delivery receipts) and the deps of the quarantine and
 * suppression routes. Repositories are stateless table adapters, created here.
 */
import { DynamoBlockRepository } from './adapters/dynamo/block-repository.js';
import { DynamoContactRepository } from './adapters/dynamo/contact-repository.js';
import { DynamoConversationRepository } from './adapters/dynamo/conversation-repository.js';
import { DynamoDirectoryRepository } from './adapters/dynamo/directory-repository.js';
import { DynamoInboundStore } from './adapters/dynamo/inbound-store.js';
import { DynamoQuarantineRepository } from './adapters/dynamo/quarantine-repository.js';
import { DynamoReceiptStore, shiftBroadcastCounts } from './adapters/dynamo/receipt-store.js';
import { DynamoSuppressionRepository } from './adapters/dynamo/suppression-repository.js';
import { METRICS_SERVICE } from './adapters/delivery-metric-names.js';
import { countingInboundMetrics, emfInboundMetrics } from './adapters/inbound-metrics.js';
import { config } from './config.js';
import { conversationForReplyToken } from './domain/reply-token.js';
import { systemClock } from './use-cases/clock.js';
import type { InboundSink } from './use-cases/inbound/events.js';
import { inboundSink, type InboundDeps } from './use-cases/inbound/index.js';
import { ingestInboundFile } from './use-cases/attachments/index.js';
import { DynamoAttachmentRepository } from './adapters/dynamo/attachment-repository.js';
import { S3FileStore } from './adapters/s3/file-store.js';
import { s3Client } from './adapters/s3/client.js';

/** Inbound files go through the attachments intake (same checks as an upload) into the attachments bucket. */
const attachmentRecords = new DynamoAttachmentRepository();
const intakeDeps = { attachments: attachmentRecords, files: new S3FileStore(s3Client(), config.ATTACHMENTS_BUCKET), now: systemClock };

/** Counted in memory locally (tests read `inboundMetrics.counts`), EMF on AWS. */
export const inboundMetrics = config.PROVIDER_MODE === 'aws' ? emfInboundMetrics(METRICS_SERVICE) : countingInboundMetrics();

export const inboundDeps: InboundDeps = {
  store: new DynamoInboundStore(),
  conversations: new DynamoConversationRepository(),
  directory: new DynamoDirectoryRepository(),
  contacts: new DynamoContactRepository(),
  blocks: new DynamoBlockRepository(),
  quarantine: new DynamoQuarantineRepository(),
  suppressions: new DynamoSuppressionRepository(),
  receipts: new DynamoReceiptStore(),
  broadcastCounts: shiftBroadcastCounts,
  metrics: inboundMetrics,
  conversationForReplyToken,
  ingestFile: async (file) => {
    const result = await ingestInboundFile(intakeDeps, file);
    return result.ok ? result.attachment : null;
  },
  markAttached: (practiceId, ids, conversationId, messageId) => attachmentRecords.markAttached(practiceId, ids, conversationId, messageId),
  now: systemClock,
};

/** What the webhook edge hands verified, parsed, routed events to. */
export const inbound: InboundSink = inboundSink(inboundDeps);
