/**
 * Hands what a verified webhook parsed to the inbound use cases: each message to the practice
 * holding its destination (the first destination a practice holds), each receipt to its
 * practice. A destination no practice holds is counted and stored nowhere.
 */
import type { InboundSink } from '../../use-cases/inbound/events.js';
import type { DestinationRouter } from '../../use-cases/channels/routing.js';
import type { ParsedWebhook } from './drafts.js';
import type { WebhookMetrics } from './webhook-metrics.js';

export interface IntakeDeps {
  sink: InboundSink;
  route: DestinationRouter;
  metrics: WebhookMetrics;
}

export async function intake(deps: IntakeDeps, parsed: ParsedWebhook): Promise<{ stored: number; unrouted: number }> {
  let stored = 0;
  let unrouted = 0;
  for (const draft of parsed.messages) {
    let routed = null;
    for (const destination of draft.destinations) {
      routed = await deps.route(destination.kind, destination.value);
      if (routed) break;
    }
    if (!routed) {
      unrouted++;
      deps.metrics.count('unknown_destination');
      continue;
    }
    const out = await deps.sink.message({
      ...draft.message,
      practiceId: routed.practiceId,
      to: routed.address,
      ...(routed.replyToken ? { replyToken: routed.replyToken } : {}),
    });
    if (out.stored) stored++;
    deps.metrics.count(out.stored ? 'stored' : 'duplicate');
  }
  for (const { destination, receipt } of parsed.receipts) {
    let practiceId = receipt.practiceId;
    if (!practiceId && destination) practiceId = (await deps.route(destination.kind, destination.value))?.practiceId;
    if (!practiceId) {
      unrouted++;
      deps.metrics.count('unknown_destination');
      continue;
    }
    await deps.sink.receipt({ ...receipt, practiceId });
    deps.metrics.count('receipt');
  }
  return { stored, unrouted };
}
