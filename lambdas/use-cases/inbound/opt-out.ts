/**
 * SMS keywords: an opt-out keyword suppresses the number for the practice (reason `opt_out`);
 * START or UNSTOP lifts an opt-out, and only an opt-out (a bounce or complaint stays). Only the
 * recipient lifts an opt-out: staff cannot (DELETE /v1/suppressions/{id} answers 409).
 */
import { ulid } from 'ulid';
import type { InboundMessageEvent } from './events.js';
import { smsKeyword } from './keywords.js';
import type { AddressType, InboundDeps, SuppressionReason } from './ports.js';

export async function applyKeyword(deps: InboundDeps, e: InboundMessageEvent): Promise<void> {
  const keyword = smsKeyword(e.text);
  if (keyword === 'opt_out') {
    await suppressAddress(deps, e.practiceId, 'sms', 'phone', e.from, 'opt_out', e.receivedAt);
    deps.metrics.count('opt_out', e.channel);
  } else if (keyword === 'opt_in') {
    const s = await deps.suppressions.get(e.practiceId, 'phone', e.from);
    if (s && s.reason === 'opt_out' && (await deps.suppressions.lift(e.practiceId, s, ['opt_out']))) deps.metrics.count('opt_in', e.channel);
  }
}

/** Suppresses an address for the practice (an existing suppression keeps its id; the newest reason wins). */
export async function suppressAddress(
  deps: InboundDeps,
  practiceId: string,
  channel: 'email' | 'sms' | 'whatsapp',
  addressType: AddressType,
  address: string,
  reason: SuppressionReason,
  at: string,
): Promise<void> {
  await deps.suppressions.suppress(practiceId, { id: ulid(Date.parse(at) || Date.now()), channel, addressType, address, reason, at });
}
