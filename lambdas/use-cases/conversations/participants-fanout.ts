/**
 * Conversations larger than one transaction. A send writes atomically what must go together —
 * the conversation, the message, the author's state, the deliveries that fit, the answer — and,
 * in the same transaction, chunk items naming everyone else (≤ PARTIES_PER_CHUNK parties each).
 * Each chunk arrives off the table's stream (handlers/stream/participant-fanout.ts) and writes
 * its parties' states (unread for everyone but the author, an archived conversation comes
 * back), the deliveries, correspondence pointers and pair links left for it.
 *
 * Idempotent: a state moves to the message only while it is older than the message (a replayed
 * chunk finds it there and writes nothing), over the version it was read at (a read, archive or
 * star meanwhile is re-read, never lost); deliveries and pointers are put only where absent (a
 * replay never resets a delivery the dispatcher has sent). Every write is conditioned on the
 * conversation still existing and not being deleted, so a delete leaves no state behind.
 */
import { afterMessage } from '../../domain/participant-state.js';
import type { ConversationRecord, DeliveryRecord, PartyRef, SendPlan, StateRecord } from './ports.js';

/** Parties per chunk item: each party is at most four writes (state, two deliveries, a pointer or pair link). */
export const PARTIES_PER_CHUNK = 50;

export interface ParticipantChunk {
  practiceId: string;
  conversationId: string;
  messageId: string;
  /** The message's createdAt: a state moves to it, never back. */
  at: string;
  author: PartyRef;
  /** The chunk's number within its message (its key). */
  index: number;
  /** Parties whose state this chunk writes. */
  parties: PartyRef[];
  /** Deliveries of the message left for this chunk, with their index in the message. */
  deliveries: { index: number; delivery: DeliveryRecord }[];
  /** Patients whose correspondence pointer to the message this chunk writes. */
  correspondenceOf: string[];
  /** Provider–patient pair links (never exclusive ones: those are checked in the send). */
  pairs: { providerId: string; patientId: string }[];
}

/** One write of a chunk. */
export type FanOutWrite =
  | { kind: 'state'; state: StateRecord }
  | { kind: 'delivery'; index: number; delivery: DeliveryRecord }
  | { kind: 'correspondence'; patientId: string }
  | { kind: 'pair'; providerId: string; patientId: string };

export interface ParticipantFanOutStore {
  /** The conversation, strongly consistent; null when it is gone or being deleted. */
  conversation(practiceId: string, id: string): Promise<ConversationRecord | null>;
  /** The existing states of these parties, strongly consistent. */
  statesOf(practiceId: string, conversationId: string, parties: readonly PartyRef[]): Promise<StateRecord[]>;
  /**
   * Writes in transactions that each check the conversation still exists and is not being
   * deleted. A delivery or pointer already there is left as it is. Answers `gone` when the
   * conversation went, else the parties whose state changed since it was read (not written).
   */
  write(practiceId: string, c: ConversationRecord, chunk: ParticipantChunk, writes: readonly FanOutWrite[]): Promise<'gone' | PartyRef[]>;
  /** Removes the chunk item once every write of it is in. */
  done(chunk: ParticipantChunk): Promise<void>;
}

export interface FanOutDeps {
  fanOut: ParticipantFanOutStore;
}

const partyKey = (p: PartyRef) => `${p.type}:${p.id}`;

/** Each party's state after the chunk's message; none for a party whose state is there already (or newer). */
export function chunkStates(chunk: ParticipantChunk, parties: readonly PartyRef[], existing: readonly StateRecord[]): StateRecord[] {
  const byParty = new Map(existing.map((s) => [partyKey(s.party), s]));
  const out: StateRecord[] = [];
  for (const party of parties) {
    const prior = byParty.get(partyKey(party));
    if (prior && prior.lastMessageAt >= chunk.at) continue;
    const base: StateRecord = prior ?? {
      conversationId: chunk.conversationId,
      party: { type: party.type, id: party.id },
      status: 'read',
      archived: false,
      starred: false,
      lastMessageAt: chunk.at,
    };
    const isAuthor = partyKey(party) === partyKey(chunk.author);
    out.push({ ...base, ...afterMessage(base, { isAuthor }), lastMessageAt: chunk.at });
  }
  return out;
}

const ATTEMPTS = 6;

/** Writes one chunk; `gone` when the conversation was deleted meanwhile (nothing is left to do). */
export async function fanOutParticipants(deps: FanOutDeps, chunk: ParticipantChunk): Promise<'done' | 'gone'> {
  const { practiceId, conversationId } = chunk;
  const c = await deps.fanOut.conversation(practiceId, conversationId);
  if (!c) return 'gone';
  let others: FanOutWrite[] = [
    ...chunk.deliveries.map((d): FanOutWrite => ({ kind: 'delivery', index: d.index, delivery: d.delivery })),
    ...chunk.correspondenceOf.map((patientId): FanOutWrite => ({ kind: 'correspondence', patientId })),
    ...chunk.pairs.map((p): FanOutWrite => ({ kind: 'pair', ...p })),
  ];
  let parties: readonly PartyRef[] = chunk.parties;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const existing = parties.length > 0 ? await deps.fanOut.statesOf(practiceId, conversationId, parties) : [];
    const states = chunkStates(chunk, parties, existing).map((state): FanOutWrite => ({ kind: 'state', state }));
    const outcome = await deps.fanOut.write(practiceId, c, chunk, [...states, ...others]);
    if (outcome === 'gone') return 'gone';
    others = [];
    if (outcome.length === 0) {
      await deps.fanOut.done(chunk);
      return 'done';
    }
    // States read, archived or starred meanwhile: read again and decide again.
    parties = outcome;
  }
  throw new Error(`participant states of chunk ${chunk.index} kept changing`);
}

/** What a send writes in its transaction, and what follows in chunks. */
export interface SplitPlan {
  plan: SendPlan;
  /** The message's delivery count (its delivery keys are 0…count-1, some written by chunks). */
  deliveryCount: number;
  chunks: Omit<ParticipantChunk, 'practiceId'>[];
}

/**
 * Splits a send that does not fit `room` transaction items: the conversation, the message, the
 * author's state, exclusive pairs, the call-log pointer and the answer stay; deliveries stay as
 * far as they fit; every other state, delivery, pointer and pair link goes to chunks, with the
 * parties that have no state in the plan. A plan that fits (every party's state in it) is kept.
 */
export function splitPlan(plan: SendPlan, room: number): SplitPlan {
  const { conversation: c, message: m } = plan;
  const deliveryCount = m.deliveries.length;
  const stated = new Set(plan.states.map((s) => partyKey(s.party)));
  const unstated = c.participants.filter((p) => !stated.has(partyKey(p)) && !(c.kind === 'call_log' && p.type === 'patient'));
  const fixed = 2 + (plan.callLogOf ? 1 : 0) + (plan.answer === undefined ? 0 : 1);
  const total = fixed + deliveryCount + plan.states.length + plan.correspondenceOf.length + plan.pairs.length;
  if (unstated.length === 0 && total <= room) return { plan, deliveryCount, chunks: [] };

  const author = m.author;
  const authorStates = plan.states.filter((s) => partyKey(s.party) === partyKey(author));
  const exclusive = plan.pairs.filter((p) => p.exclusive);
  const parties: PartyRef[] = [
    ...plan.states.filter((s) => partyKey(s.party) !== partyKey(author)).map((s) => s.party),
    ...unstated.map((p) => ({ type: p.type, id: p.id })),
  ];
  const chunkCount = Math.max(1, Math.ceil(parties.length / PARTIES_PER_CHUNK));
  const inlineDeliveries = Math.max(0, Math.min(deliveryCount, room - fixed - authorStates.length - exclusive.length - chunkCount));
  const chunks: SplitPlan['chunks'] = Array.from({ length: chunkCount }, (_, index) => ({
    conversationId: c.id,
    messageId: m.id,
    at: m.createdAt,
    author: { type: author.type, id: author.id },
    index,
    parties: parties.slice(index * PARTIES_PER_CHUNK, (index + 1) * PARTIES_PER_CHUNK),
    deliveries: [],
    correspondenceOf: [],
    pairs: [],
  }));
  const chunkOf = new Map<string, number>();
  parties.forEach((p, i) => chunkOf.set(partyKey(p), Math.floor(i / PARTIES_PER_CHUNK)));
  const into = (p: PartyRef) => chunks[chunkOf.get(partyKey(p)) ?? 0] as SplitPlan['chunks'][number];
  m.deliveries.forEach((delivery, index) => {
    if (index >= inlineDeliveries) into(delivery.recipient).deliveries.push({ index, delivery });
  });
  for (const patientId of plan.correspondenceOf) into({ type: 'patient', id: patientId }).correspondenceOf.push(patientId);
  for (const p of plan.pairs.filter((x) => !x.exclusive)) into({ type: 'staff', id: p.providerId }).pairs.push({ providerId: p.providerId, patientId: p.patientId });
  return {
    plan: {
      ...plan,
      message: { ...m, deliveries: m.deliveries.slice(0, inlineDeliveries) },
      states: authorStates,
      correspondenceOf: [],
      pairs: exclusive,
    },
    deliveryCount,
    chunks,
  };
}
