/** In-memory fakes of the dispatcher's ports: the delivery store (with its conditions) and the channel senders. */
import type { AddressBarrier, AddressLookup, BroadcastCount, Claim, OpenTally, TallyStore, DeliveryEnd, DeliveryRef, DeliveryStore, OverdueDelivery, QueuedDelivery, Release } from '../../../lambdas/use-cases/delivery-ports.js';
import type { ChannelSender, ChannelSenders, OutboundMessage, ProviderChannel, SendResult } from '../../../lambdas/use-cases/provider-ports.js';
import { dispatchDelivery, type DispatchDeps } from '../../../lambdas/use-cases/dispatch.js';
import type { DeliveryQueue } from '../../../lambdas/use-cases/delivery-queue.js';

export interface StoredDelivery {
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'blocked' | 'suppressed';
  attempts: number;
  sendingAt?: string;
  providerMessageId?: string;
  error?: string;
  lastError?: string;
  leaseDue?: string;
  throttledSince?: string;
  createdAt?: string;
  /** The open tally that counts its outcome (stamped by the finish). */
  tally?: string;
}

const id = (d: DeliveryRef) => `${d.practiceId}|${d.conversationId}|${d.sk}`;
const address = (practiceId: string, type: string, value: string) => `${practiceId}|${type}:${value}`;
const providerChannels = new Set(['email', 'sms', 'whatsapp']);

/** The delivery store with DynamoDB's conditions: claim only when queued, finish and release only when sending; leases as the sparse index keeps them. */
export class InMemoryDeliveryStore implements DeliveryStore {
  readonly deliveries = new Map<string, StoredDelivery>();
  readonly items = new Map<string, QueuedDelivery>();
  readonly blocked = new Set<string>();
  readonly suppressions = new Map<string, string>();
  readonly messages = new Map<string, { subject: string | null; body: string }>();

  add(d: QueuedDelivery, state: Partial<StoredDelivery> = {}): QueuedDelivery {
    this.deliveries.set(id(d), { status: 'queued', attempts: 0, ...state });
    this.items.set(id(d), d);
    this.messages.set(d.messageId, { subject: 'Results', body: 'Your results are ready.' });
    return d;
  }
  stored(d: DeliveryRef): StoredDelivery | undefined {
    return this.deliveries.get(id(d));
  }
  block(practiceId: string, type: 'email' | 'phone', value: string): void {
    this.blocked.add(address(practiceId, type, value));
  }

  async claim(d: DeliveryRef, at: string, leaseDue: string): Promise<Claim> {
    const r = this.stored(d);
    const item = this.items.get(id(d));
    if (!r || !item) return { claimed: false, status: 'deleted' };
    if (r.status !== 'queued' || !providerChannels.has(item.channel) || !item.address) {
      return { claimed: false, status: r.status, ...(r.sendingAt ? { sendingSince: r.sendingAt } : {}) };
    }
    r.status = 'sending';
    r.sendingAt = at;
    r.leaseDue ??= leaseDue; // the lease it has is kept (DynamoDeliveryStore: if_not_exists)
    r.attempts += 1;
    return {
      claimed: true,
      attempt: r.attempts,
      delivery: { ...item, ...(r.createdAt ? { createdAt: r.createdAt } : {}), ...(r.throttledSince ? { throttledSince: r.throttledSince } : {}) },
    };
  }
  async finish(d: DeliveryRef, outcome: DeliveryEnd, _at: string, sendingSince?: string, tallyId?: string): Promise<boolean> {
    const r = this.stored(d);
    if (!r || r.status !== 'sending' || (sendingSince !== undefined && r.sendingAt !== sendingSince)) return false;
    r.status = outcome.status;
    if (tallyId) r.tally = tallyId;
    delete r.leaseDue;
    if (outcome.status === 'sent') r.providerMessageId = outcome.providerMessageId;
    else if (outcome.error) r.error = outcome.error;
    return true;
  }
  async release(d: DeliveryRef, release: Release): Promise<void> {
    const r = this.stored(d);
    if (!r || r.status !== 'sending') return;
    r.status = 'queued';
    r.lastError = release.reason;
    r.leaseDue = release.leaseDue;
    if (release.throttledAt) r.throttledSince ??= release.throttledAt;
    if (!release.countsAsAttempt) r.attempts -= 1;
    delete r.sendingAt;
  }
  async renewLease(d: DeliveryRef, leaseDue: string): Promise<boolean> {
    const r = this.stored(d);
    if (!r || r.status !== 'queued') return false;
    r.leaseDue = leaseDue;
    return true;
  }
  async overdue(now: string, limit: number): Promise<OverdueDelivery[]> {
    return [...this.deliveries]
      .filter(([, r]) => (r.status === 'queued' || r.status === 'sending') && r.leaseDue !== undefined && r.leaseDue < now)
      .slice(0, limit)
      .map(([key, r]) => {
        const item = this.items.get(key)!;
        return {
          practiceId: item.practiceId,
          conversationId: item.conversationId,
          sk: item.sk,
          status: r.status as 'queued' | 'sending',
          ...(r.sendingAt ? { sendingSince: r.sendingAt } : {}),
          ...(item.broadcastId ? { broadcastId: item.broadcastId } : {}),
        };
      });
  }
  /** Calls of `barriers` (the dispatcher reads a whole batch's addresses in one). */
  barrierReads = 0;
  async barriers(lookups: readonly AddressLookup[]): Promise<(AddressBarrier | null)[]> {
    this.barrierReads++;
    return lookups.map(({ practiceId, type, value }) =>
      this.blocked.has(address(practiceId, type, value)) ? 'blocked' : this.suppressions.has(address(practiceId, type, value)) ? 'suppressed' : null,
    );
  }
  async suppress(practiceId: string, type: 'email' | 'phone', value: string, reason: string): Promise<void> {
    this.suppressions.set(address(practiceId, type, value), reason);
  }
  async content(d: QueuedDelivery): Promise<{ subject: string | null; body: string } | null> {
    return this.messages.get(d.messageId) ?? null;
  }
}

/** A sender that answers from a script (then `ok`) and remembers what it was given. */
export class ScriptedSender implements ChannelSender {
  readonly sent: OutboundMessage[] = [];
  private readonly script: (SendResult | Error)[] = [];
  constructor(readonly channel: ProviderChannel) {}
  answer(...results: (SendResult | Error)[]): this {
    this.script.push(...results);
    return this;
  }
  async send(message: OutboundMessage): Promise<SendResult> {
    this.sent.push(message);
    const next = this.script.shift() ?? { ok: true, providerMessageId: `pm-${this.sent.length}` };
    if (next instanceof Error) throw next;
    return next;
  }
}

export const scriptedSenders = () => ({
  email: new ScriptedSender('email'),
  sms: new ScriptedSender('sms'),
  whatsapp: new ScriptedSender('whatsapp'),
}) satisfies ChannelSenders;

/**
 * A delivery queue that hands each enqueued delivery to the dispatcher at once (as the queue
 * consumer would; a wait is left to the test's clock) and remembers what it was given.
 */
export function inlineQueue(deps: () => DispatchDeps): DeliveryQueue & { enqueued: DeliveryRef[] } {
  const enqueued: DeliveryRef[] = [];
  return {
    enqueued,
    async enqueue(refs) {
      enqueued.push(...refs);
      for (const ref of refs) await dispatchDelivery(deps(), ref).catch(() => undefined);
    },
    async delay() {},
  };
}

/** Open tallies as DynamoTallyStore keeps them: closed once (the close adds the counts and deletes the tally together). */
export class InMemoryTallyStore implements TallyStore {
  readonly tallies = new Map<string, { practiceId: string; deliveries: DeliveryRef[]; leaseDue: string }>();
  /** `practiceId|broadcastId` → outcomes added. */
  readonly counts = new Map<string, Record<string, number>>();
  closes = 0;
  constructor(private readonly deliveries: InMemoryDeliveryStore) {}
  async open(practiceId: string, tallyId: string, deliveries: readonly DeliveryRef[], leaseDue: string): Promise<void> {
    this.tallies.set(tallyId, { practiceId, deliveries: [...deliveries], leaseDue });
  }
  async close(practiceId: string, tallyId: string, counts: readonly BroadcastCount[]): Promise<boolean> {
    if (!this.tallies.delete(tallyId)) return false;
    this.closes++;
    for (const c of counts) {
      const key = `${practiceId}|${c.broadcastId}`;
      const sum = this.counts.get(key) ?? {};
      for (const [k, n] of Object.entries(c.outcomes)) sum[k] = (sum[k] ?? 0) + (n ?? 0);
      this.counts.set(key, sum);
    }
    return true;
  }
  async overdue(now: string, limit: number): Promise<OpenTally[]> {
    return [...this.tallies].filter(([, t]) => t.leaseDue < now).slice(0, limit).map(([tallyId, t]) => ({ practiceId: t.practiceId, tallyId, deliveries: t.deliveries }));
  }
  async finishedUnder(t: OpenTally): Promise<BroadcastCount[]> {
    const by = new Map<string, BroadcastCount>();
    for (const d of t.deliveries) {
      const r = this.deliveries.stored(d);
      const item = this.deliveries.items.get(`${d.practiceId}|${d.conversationId}|${d.sk}`);
      if (!r || r.tally !== t.tallyId || !item?.broadcastId || r.status === 'queued' || r.status === 'sending') continue;
      const c = by.get(item.broadcastId) ?? { broadcastId: item.broadcastId, outcomes: {} };
      c.outcomes[r.status] = (c.outcomes[r.status] ?? 0) + 1;
      by.set(item.broadcastId, c);
    }
    return [...by.values()];
  }
}
