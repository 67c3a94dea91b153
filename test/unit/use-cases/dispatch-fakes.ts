/** In-memory fakes of the dispatcher's ports: the delivery store (with its conditions) and the channel senders. */
import type { AddressBarrier, Claim, DeliveryEnd, DeliveryStore, QueuedDelivery } from '../../../lambdas/use-cases/delivery-ports.js';
import type { ChannelSender, ChannelSenders, OutboundMessage, ProviderChannel, SendResult } from '../../../lambdas/use-cases/provider-ports.js';

export interface StoredDelivery {
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'blocked' | 'suppressed';
  attempts: number;
  sendingAt?: string;
  providerMessageId?: string;
  error?: string;
  lastError?: string;
}

const id = (d: QueuedDelivery) => `${d.practiceId}|${d.conversationId}|${d.sk}`;
const address = (practiceId: string, type: string, value: string) => `${practiceId}|${type}:${value}`;

/** The delivery store with DynamoDB's conditions: claim only when queued, finish and release only when sending. */
export class InMemoryDeliveryStore implements DeliveryStore {
  readonly deliveries = new Map<string, StoredDelivery>();
  readonly blocked = new Set<string>();
  readonly suppressions = new Map<string, string>();
  readonly messages = new Map<string, { subject: string | null; body: string }>();

  add(d: QueuedDelivery, state: Partial<StoredDelivery> = {}): QueuedDelivery {
    this.deliveries.set(id(d), { status: 'queued', attempts: 0, ...state });
    this.messages.set(d.messageId, { subject: 'Results', body: 'Your results are ready.' });
    return d;
  }
  stored(d: QueuedDelivery): StoredDelivery | undefined {
    return this.deliveries.get(id(d));
  }
  block(practiceId: string, type: 'email' | 'phone', value: string): void {
    this.blocked.add(address(practiceId, type, value));
  }

  async claim(d: QueuedDelivery, at: string): Promise<Claim> {
    const r = this.stored(d);
    if (!r) return { claimed: false, status: 'deleted' };
    if (r.status !== 'queued') return { claimed: false, status: r.status, ...(r.sendingAt ? { sendingSince: r.sendingAt } : {}) };
    r.status = 'sending';
    r.sendingAt = at;
    r.attempts += 1;
    return { claimed: true, attempt: r.attempts };
  }
  async finish(d: QueuedDelivery, outcome: DeliveryEnd, _at: string): Promise<void> {
    const r = this.stored(d);
    if (!r || r.status !== 'sending') return;
    r.status = outcome.status;
    if (outcome.status === 'sent') r.providerMessageId = outcome.providerMessageId;
    else if (outcome.error) r.error = outcome.error;
  }
  async release(d: QueuedDelivery, reason: string): Promise<void> {
    const r = this.stored(d);
    if (!r || r.status !== 'sending') return;
    r.status = 'queued';
    r.lastError = reason;
    delete r.sendingAt;
  }
  async barrier(practiceId: string, type: 'email' | 'phone', value: string): Promise<AddressBarrier | null> {
    if (this.blocked.has(address(practiceId, type, value))) return 'blocked';
    if (this.suppressions.has(address(practiceId, type, value))) return 'suppressed';
    return null;
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
