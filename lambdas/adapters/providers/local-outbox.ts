/**
 * The local runtime's stand-in for the SMS and WhatsApp providers: every send is recorded in an
 * in-process store that `GET /dev/outbox` reads. Email does not come here; locally it goes
 * through SesEmailSender to the SES emulator.
 *
 * Tests can make the next sends on a channel fail (or answer anything else) with
 * `injectLocalFaults`. The store is process-wide (kept on `globalThis`, so two copies of this
 * module in one process still share it); it is not shared across processes or vitest workers.
 */
import { monotonicFactory } from 'ulid';
import type { OutboundMessage, ProviderChannel, ChannelSender, SendResult } from '../../use-cases/provider-ports.js';
import type { DeliveryStore } from '../../use-cases/delivery-ports.js';

export type LocalOutboxChannel = Exclude<ProviderChannel, 'email'>;

export interface LocalOutboxEntry {
  channel: LocalOutboxChannel;
  to: string;
  body: string;
  providerMessageId: string;
  /** ISO 8601. */
  at: string;
  /** The delivery it was sent for: lets tests see that a delivery reached the outbox exactly once. */
  deliveryId: string;
  /** Where it went out from (the practice's number or phone-number id), when not the default. */
  from?: string;
  /** Each file the message carried (WhatsApp media): name, type and size, never the bytes. */
  attachments?: { fileName: string; contentType: string; size: number }[];
}

/**
 * A fault: an answer to return instead of sending, a crash right after the provider accepted,
 * or a timeout after the provider accepted (the message is in the outbox, the answer is lost).
 */
export type LocalFault = SendResult | { crashAfterSend: true } | { timeoutAfterAccept: true };

/** Faults drawn at random on every send (and every dispatch, for `dispatcherCrash`), as fractions 0..1. */
export interface LocalFaultRates {
  throttle: number;
  timeoutAfterAccept: number;
  /** The dispatcher throws after the claim, before the hand-over (a read that failed). */
  dispatcherCrash: number;
}

/** How many faults of each kind were injected (the fault-injection run compares them with the outcomes). */
export interface InjectedCounts {
  throttle: number;
  timeoutAfterAccept: number;
  dispatcherCrash: number;
}

interface Store {
  entries: LocalOutboxEntry[];
  /** Keyed by channel, or by `channel:to` for faults aimed at one recipient. */
  faults: Map<string, LocalFault[]>;
  rates?: LocalFaultRates;
  injected?: InjectedCounts;
}

const STORE_KEY = Symbol.for('practice-messaging.local-outbox');

function store(): Store {
  const holder = globalThis as unknown as Record<symbol, Store | undefined>;
  return (holder[STORE_KEY] ??= { entries: [], faults: new Map() });
}

const injected = (): InjectedCounts => (store().injected ??= { throttle: 0, timeoutAfterAccept: 0, dispatcherCrash: 0 });

/** A random fault by the configured rates, or nothing. */
function drawnFault(): LocalFault | undefined {
  const rates = store().rates;
  if (!rates) return undefined;
  const r = Math.random();
  if (r < rates.throttle) {
    injected().throttle++;
    return { ok: false, retryable: true, reason: 'throttled' };
  }
  if (r < rates.throttle + rates.timeoutAfterAccept) return { timeoutAfterAccept: true };
  return undefined;
}

/** Monotonic, so ids sort in send order even within one millisecond. */
const nextId = monotonicFactory();

export class LocalOutboxSender implements ChannelSender {
  constructor(readonly channel: LocalOutboxChannel) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const aimed = store().faults.get(`${this.channel}:${message.to}`);
    const fault = (aimed && aimed.length > 0 ? aimed.shift() : store().faults.get(this.channel)?.shift()) ?? drawnFault();
    if (fault && 'ok' in fault) return { ...fault };
    if (message.channel !== this.channel) return { ok: false, retryable: false, reason: 'wrong_channel' };
    const entry: LocalOutboxEntry = {
      channel: this.channel,
      to: message.to,
      body: message.text,
      providerMessageId: `local-${nextId()}`,
      at: new Date().toISOString(),
      deliveryId: message.deliveryId,
      ...(message.from ? { from: message.from } : {}),
      ...(message.attachments?.length
        ? { attachments: message.attachments.map(({ fileName, contentType, size }) => ({ fileName, contentType, size })) }
        : {}),
    };
    store().entries.push(entry);
    // Simulates the process dying after the provider took the message, before anything was recorded.
    if (fault && 'crashAfterSend' in fault) throw new Error('simulated crash after the provider accepted');
    if (fault && 'timeoutAfterAccept' in fault) {
      injected().timeoutAfterAccept++;
      return { ok: false, retryable: true, reason: 'timeout', ambiguous: true };
    }
    return { ok: true, providerMessageId: entry.providerMessageId };
  }
}

/** A copy of what was sent, newest first, optionally filtered (as `GET /dev/outbox` filters). */
export function localOutboxEntries(filter: { channel?: LocalOutboxChannel; to?: string } = {}): LocalOutboxEntry[] {
  return store()
    .entries.filter((e) => (filter.channel === undefined || e.channel === filter.channel) && (filter.to === undefined || e.to === filter.to))
    .reverse()
    .map((e) => ({ ...e }));
}

/** The next sends on `channel` answer these results, in order, before sending normally again. */
export function injectLocalFaults(channel: LocalOutboxChannel, faults: readonly LocalFault[], to?: string): void {
  const key = to === undefined ? channel : `${channel}:${to}`;
  const queued = store().faults.get(key) ?? [];
  queued.push(...faults.map((f) => ({ ...f })));
  store().faults.set(key, queued);
}

export function clearLocalFaults(): void {
  store().faults.clear();
  delete store().rates;
}

/** Random faults on every send from now on (`null` stops them); the counters restart. */
export function setLocalFaultRates(rates: LocalFaultRates | null): void {
  if (rates) store().rates = { ...rates };
  else delete store().rates;
  store().injected = { throttle: 0, timeoutAfterAccept: 0, dispatcherCrash: 0 };
}

export function injectedLocalFaults(): InjectedCounts {
  return { ...injected() };
}

/** The next `count` dispatches to `to` crash after the claim, before the hand-over. */
export function injectDispatcherCrashes(to: string, count: number): void {
  const key = `dispatch:${to}`;
  store().faults.set(key, [...(store().faults.get(key) ?? []), ...Array.from({ length: count }, () => ({ crashAfterSend: true as const }))]);
}

/** Thrown by a store wrapped with {@link withLocalDispatchFaults}: a dispatcher crash before the hand-over. */
export class SimulatedDispatcherCrash extends Error {
  constructor() {
    super('simulated dispatcher crash before the hand-over');
    this.name = 'SimulatedDispatcherCrash';
  }
}

/** The local delivery store with the `dispatcherCrash` rate applied to one delivery's content read (after the claim and the block check). */
export function withLocalDispatchFaults<S extends DeliveryStore>(inner: S): DeliveryStore {
  return Object.assign(Object.create(inner) as DeliveryStore, {
    content: async (...args: Parameters<DeliveryStore['content']>) => {
      const rates = store().rates;
      const aimed = store().faults.get(`dispatch:${args[0].address}`)?.shift();
      if (aimed || (rates && Math.random() < rates.dispatcherCrash)) {
        if (!aimed) injected().dispatcherCrash++;
        throw new SimulatedDispatcherCrash();
      }
      return inner.content(...args);
    },
  });
}

/** Forget everything sent (and any pending faults). */
export function clearLocalOutbox(): void {
  store().entries.length = 0;
  clearLocalFaults();
}
