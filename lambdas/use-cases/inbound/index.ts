/** Inbound: the sink the webhook edge calls (messages, receipts), and the quarantine and suppression lists. */
import type { InboundSink } from './events.js';
import type { InboundDeps } from './ports.js';
import { receiveMessage } from './receive-message.js';
import { receiveReceipt } from './receipts.js';

export { listQuarantine, quarantineView, type QuarantineView } from './quarantine.js';
export { listSuppressions, liftSuppression, suppressionView, type SuppressionView } from './suppressions.js';
export type { InboundDeps } from './ports.js';

export const inboundSink = (deps: InboundDeps): InboundSink => ({
  message: (event) => receiveMessage(deps, event),
  receipt: (event) => receiveReceipt(deps, event),
});
