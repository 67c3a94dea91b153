/**
 * The inbound use cases' records (messages, receipts, quarantine, suppressions, the metrics),
 * without the file intake: lambdas/inbound-wiring.ts adds it (S3) for the webhook edge; the
 * End User Messaging SMS subscriber (an SMS carries no files) composes without it, so its
 * bundle carries no S3 client. One metrics object for both (tests read `inboundMetrics.counts`).
 */
import { DynamoBlockRepository } from '../adapters/dynamo/block-repository.js';
import { DynamoContactRepository } from '../adapters/dynamo/contact-repository.js';
import { DynamoConversationRepository } from '../adapters/dynamo/conversation-repository.js';
import { DynamoDirectoryReader } from '../adapters/dynamo/directory-reader.js';
import { DynamoInboundStore } from '../adapters/dynamo/inbound-store.js';
import { DynamoQuarantineRepository } from '../adapters/dynamo/quarantine-repository.js';
import { DynamoReceiptStore, shiftBroadcastCounts } from '../adapters/dynamo/receipt-store.js';
import { DynamoSuppressionRepository } from '../adapters/dynamo/suppression-repository.js';
import { METRICS_SERVICE } from '../adapters/delivery-metric-names.js';
import { countingInboundMetrics, emfInboundMetrics } from '../adapters/inbound-metrics.js';
import { config } from '../config.js';
import { conversationForReplyToken } from '../domain/reply-token.js';
import { systemClock } from '../use-cases/clock.js';
import type { InboundDeps } from '../use-cases/inbound/index.js';

/** Counted in memory locally (tests read `inboundMetrics.counts`), EMF on AWS. */
export const inboundMetrics = config.PROVIDER_MODE === 'aws' ? emfInboundMetrics(METRICS_SERVICE) : countingInboundMetrics();

export const inboundRecordDeps: Omit<InboundDeps, 'ingestFile' | 'markAttached'> = {
  store: new DynamoInboundStore(),
  conversations: new DynamoConversationRepository(),
  directory: new DynamoDirectoryReader(),
  contacts: new DynamoContactRepository(),
  blocks: new DynamoBlockRepository(),
  quarantine: new DynamoQuarantineRepository(),
  suppressions: new DynamoSuppressionRepository(),
  receipts: new DynamoReceiptStore(),
  broadcastCounts: shiftBroadcastCounts,
  metrics: inboundMetrics,
  conversationForReplyToken,
  now: systemClock,
};
