/**
 * The inbound HTTP function's composition: its routes (quarantine, suppressions) read and lift
 * records only. Receiving messages, with the S3 file intake, is lambdas/inbound-wiring.ts
 * (the webhook edge and the SMS subscriber).
 */
import { DynamoQuarantineRepository } from '../adapters/dynamo/quarantine-repository.js';
import { DynamoSuppressionRepository } from '../adapters/dynamo/suppression-repository.js';
import type { InboundDeps } from '../use-cases/inbound/index.js';

export const inboundRouteDeps: Pick<InboundDeps, 'quarantine' | 'suppressions'> = {
  quarantine: new DynamoQuarantineRepository(),
  suppressions: new DynamoSuppressionRepository(),
};
