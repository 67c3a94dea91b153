/**
 * In-memory fakes of the inbound ports, with the conditions the DynamoDB adapters enforce: a
 * provider id is claimed once (in the same write as the message or quarantine record), activity
 * moves forward, a receipt moves a delivery only to a higher rank, an opt-out is not overwritten
 * by a bounce, and a suppression is lifted only while its reason is still one of those allowed.
 */
import { WriteConflict, type ConversationRecord, type PartyRef, type StateRecord } from '../../../lambdas/use-cases/conversations/ports.js';
import type { AddressOwner, StaffRecord } from '../../../lambdas/use-cases/directory-ports.js';
import type { ContactRecord } from '../../../lambdas/use-cases/contacts/ports.js';
import type { InboundMessageEvent, DeliveryReceiptEvent } from '../../../lambdas/use-cases/inbound/events.js';
import {
  AlreadyStored,
  type InboundDeps,
  type InboundMetric,
  type InboundPlan,
  type QuarantineRecord,
  type ReceiptStatus,
  type SentDelivery,
  type SuppressionRecord,
  type SuppressionReason,
} from '../../../lambdas/use-cases/inbound/ports.js';

export const T0 = '2026-11-30T10:00:00.000Z';
export const P = 'practice-1';

export class InboundWorld {
  readonly claims = new Set<string>();
  readonly conversations = new Map<string, ConversationRecord>();
  readonly states = new Map<string, StateRecord>();
  readonly plans: InboundPlan[] = [];
  readonly quarantined: QuarantineRecord[] = [];
  readonly suppressions = new Map<string, SuppressionRecord>();
  readonly contacts: ContactRecord[] = [];
  readonly contactClaims = new Map<string, string>();
  readonly owners: (AddressOwner & { type: 'email' | 'phone'; value: string })[] = [];
  readonly staff: StaffRecord[] = [];
  readonly blocks: { blockId: string; type: 'email' | 'phone'; value: string }[] = [];
  readonly quarantineCounts: string[] = [];
  readonly deliveries: (SentDelivery & { providerMessageId: string; rank: number; error?: string })[] = [];
  readonly broadcastChanges: { broadcastId: string; change: Record<string, number> }[] = [];
  readonly metrics: string[] = [];
  /** Conversations our outbound mail was sent in, by SES message id. */
  readonly sentIn = new Map<string, string>();
  readonly replyTokens = new Map<string, string>();
  clock = Date.parse(T0);

  metricCount(m: InboundMetric): number {
    return this.metrics.filter((x) => x.startsWith(`${m}:`)).length;
  }

  addStaff(id: string, over: Partial<StaffRecord> = {}): void {
    this.staff.push({ id, name: `Staff ${id}`, email: null, phone: null, role: 'receptionist', permissions: ['send_messages'], status: 'active', createdAt: T0, updatedAt: T0, ...over });
  }

  addPatient(id: string, type: 'email' | 'phone', value: string): void {
    this.owners.push({ ownerType: 'patient', ownerId: id, name: `Patient ${id}`, type, value });
  }

  messagesIn(conversationId: string) {
    return this.plans.filter((p) => p.conversation.id === conversationId).map((p) => p.message);
  }

  state(conversationId: string, party: PartyRef): StateRecord | undefined {
    return this.states.get(`${conversationId}|${party.type}:${party.id}`);
  }

  deps(over: Partial<InboundDeps> = {}): InboundDeps {
    const w = this;
    return {
      store: {
        seen: async (_p, provider, id) => w.claims.has(`${provider}:${id}`),
        async store(_p, plan) {
          await Promise.resolve();
          const claim = `${plan.provider}:${plan.providerMessageId}`;
          if (w.claims.has(claim)) throw new AlreadyStored();
          const existing = w.conversations.get(plan.conversation.id);
          if (plan.isNew ? existing : !existing || existing.lastMessageAt >= plan.conversation.lastMessageAt) throw new WriteConflict();
          for (const s of plan.states) {
            const prior = w.states.get(`${s.conversationId}|${s.party.type}:${s.party.id}`);
            if (s.readAs && prior && (prior.archived !== s.readAs.archived || prior.starred !== s.readAs.starred)) throw new WriteConflict();
          }
          w.claims.add(claim);
          w.conversations.set(plan.conversation.id, plan.conversation);
          for (const s of plan.states) {
            const { readAs: _r, ...state } = s;
            w.states.set(`${s.conversationId}|${s.party.type}:${s.party.id}`, { ...state, version: (s.version ?? 0) + 1 });
          }
          w.plans.push(plan);
        },
        async claimInboundContact(_p, type, address, contactId) {
          const key = `${type}:${address}`;
          if (!w.contactClaims.has(key)) w.contactClaims.set(key, contactId);
          return w.contactClaims.get(key)!;
        },
        conversationOfSent: async (_p, ids) => ids.map((id) => w.sentIn.get(id)).find((c) => c !== undefined) ?? null,
        async latestConversation(_p, party, channel) {
          const mine = [...w.states.values()]
            .filter((s) => s.party.type === party.type && s.party.id === party.id && w.conversations.get(s.conversationId)?.channel === channel)
            .sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt));
          return mine[0]?.conversationId ?? null;
        },
      },
      conversations: {
        get: async (_p, id) => w.conversations.get(id) ?? null,
        states: async (_p, id) => [...w.states.values()].filter((s) => s.conversationId === id),
      },
      directory: {
        addressOwners: async (_p, type, value) => w.owners.filter((o) => o.type === type && o.value === value),
        listStaff: async (_p, page) => ({ items: w.staff.slice(0, page.limit), nextCursor: null }),
      },
      contacts: {
        getContact: async (_p, id) => w.contacts.find((c) => c.id === id) ?? null,
        async createContact(_p, c) {
          await Promise.resolve();
          if (w.contacts.some((x) => x.id === c.id)) throw new Error('contact exists');
          w.contacts.push(c);
          for (const [type, value] of [['email', c.email], ['phone', c.primaryPhone]] as const) {
            if (value) w.owners.push({ ownerType: 'contact', ownerId: c.id, name: c.name, type, value });
          }
        },
      },
      blocks: {
        activeAmong: async (_p, addresses) =>
          w.blocks.filter((b) => addresses.some((a) => a.type === b.type && a.value === b.value)).map((b) => ({ ...b, hideExisting: false })),
        countQuarantined: async (_p, at) => void w.quarantineCounts.push(at),
      },
      quarantine: {
        async put(_p, r) {
          await Promise.resolve();
          const claim = `${r.provider}:${r.providerMessageId}`;
          if (w.claims.has(claim)) throw new AlreadyStored();
          w.claims.add(claim);
          w.quarantined.push(r);
        },
        list: async (_p, q) => ({
          items: w.quarantined.filter((r) => (!q.blockId || r.blockId === q.blockId) && (!q.from || r.receivedAt >= q.from) && (!q.to || r.receivedAt <= q.to)),
          nextCursor: null,
        }),
      },
      suppressions: {
        async suppress(_p, s) {
          const key = `${s.addressType}:${s.address}`;
          const prior = w.suppressions.get(key);
          if (prior?.reason === 'opt_out' && s.reason !== 'opt_out') return;
          w.suppressions.set(key, { ...s, id: prior?.id ?? s.id });
        },
        get: async (_p, type, address) => w.suppressions.get(`${type}:${address}`) ?? null,
        byId: async (_p, id) => [...w.suppressions.values()].find((s) => s.id === id) ?? null,
        async lift(_p, s, reasons: readonly SuppressionReason[]) {
          const key = `${s.addressType}:${s.address}`;
          const now = w.suppressions.get(key);
          if (!now || now.id !== s.id || !reasons.includes(now.reason)) return false;
          w.suppressions.delete(key);
          return true;
        },
        list: async (_p, q) => ({ items: [...w.suppressions.values()].filter((s) => !q.channel || s.channel === q.channel), nextCursor: null }),
      },
      receipts: {
        find: async (_p, id) => w.deliveries.filter((d) => d.providerMessageId === id).map(({ providerMessageId: _x, rank: _r, error: _e, ...d }) => ({ ...d })),
        async advance(d, status: ReceiptStatus, rank) {
          await Promise.resolve();
          const stored = w.deliveries.find((x) => x.sk === d.sk && x.conversationId === d.conversationId);
          if (!stored || stored.rank >= rank) return null;
          const before = stored.status;
          stored.status = status;
          stored.rank = rank;
          return before;
        },
      },
      broadcastCounts: async (_p, broadcastId, change) => void w.broadcastChanges.push({ broadcastId, change }),
      metrics: { count: (m, channel) => void w.metrics.push(`${m}:${channel}`) },
      conversationForReplyToken: (token) => w.replyTokens.get(token) ?? null,
      now: () => new Date(w.clock++),
      ...over,
    };
  }
}

let seq = 0;
export function sms(over: Partial<InboundMessageEvent> = {}): InboundMessageEvent {
  return {
    practiceId: P,
    channel: 'sms',
    provider: 'twilio',
    providerMessageId: `SM${++seq}`,
    from: '+12025550101',
    to: '+12025550000',
    receivedAt: T0,
    text: 'Hello, can I move my appointment?',
    files: [],
    ...over,
  };
}

export function email(over: Partial<InboundMessageEvent> = {}): InboundMessageEvent {
  return { ...sms(), channel: 'email', provider: 'ses', from: 'pat@example.com', to: 'desk@clinic.example', subject: 'Appointment', ...over };
}

export function receipt(over: Partial<DeliveryReceiptEvent> = {}): DeliveryReceiptEvent {
  return { provider: 'twilio', channel: 'sms', providerMessageId: 'SMout1', practiceId: P, status: 'delivered', at: T0, ...over };
}

export function sentDelivery(w: InboundWorld, over: Partial<InboundWorld['deliveries'][number]> = {}): InboundWorld['deliveries'][number] {
  const d = { practiceId: P, conversationId: 'c-out', sk: `DLV#m1#${String(w.deliveries.length).padStart(3, '0')}`, status: 'sent', channel: 'sms' as const, address: '+12025550101', providerMessageId: 'SMout1', rank: 1, ...over };
  w.deliveries.push(d);
  return d;
}
