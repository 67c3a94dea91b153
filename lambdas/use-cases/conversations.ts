/**
 * Conversation use cases. Each gathers the facts, asks the domain rules, and writes through the
 * repository; a send is one transaction (message, conversation activity, participant states,
 * deliveries, correspondence pointers).
 */
import { ulid } from 'ulid';
import { requireStaff, type Caller } from '../domain/caller.js';
import { effectiveChat, type EffectiveChat } from '../domain/chat-settings.js';
import { practiceDefaultOf, type ChatSettingsReader } from './chat-settings.js';
import {
  MAX_PARTICIPANTS,
  assertMayDeleteConversation,
  assertMayDeleteMessage,
  assertMayRead,
  assertMayStart,
  assertNoteAllowed,
  assertReachable,
  assertValidContent,
  assertChatAvailable,
  channelAddress,
  conversationExists,
  directionOf,
  replyVerdict,
  requireSendPermission,
  type Channel,
  type ComposeChannel,
  type ConversationKind,
  type Party,
  type PatientFacts,
} from '../domain/conversation-policy.js';
import { DomainError, forbidden, notFound, validationFailed } from '../domain/errors.js';
import { afterMessage, afterPatch, afterRead, inboxStatus, type InboxStatus } from '../domain/participant-state.js';
import {
  PairTaken,
  WriteConflict,
  type ConversationRecord,
  type ConversationRepository,
  type DeliveryRecord,
  type InboxQuery,
  type MessageRecord,
  type NoteRecord,
  type PartyRef,
  type SendPlan,
  type StateRecord,
} from './conversation-ports.js';
import type { BlockReminderReader, BlockedContactView } from './directory.js';
import type { DirectoryRepository, Page, PageRequest, PatientRecord } from './directory-ports.js';

/** The blocklist as the send path sees it: which of these addresses are blocked right now. */
export interface BlockList {
  /** Keys are `email:<value>` or `phone:<E.164>`; one GetItem per address, BatchGetItem for many. */
  blockedAmong(practiceId: string, addresses: readonly { type: 'email' | 'phone'; value: string }[]): Promise<Set<string>>;
}

/** Attachments a caller may attach (uploads are their own module). */
export interface AttachmentCatalog {
  /** The ids among `ids` that are `ready` and belong to the caller. */
  readyFor(caller: Caller, ids: readonly string[]): Promise<Set<string>>;
}

export interface ConversationDeps {
  conversations: ConversationRepository;
  directory: DirectoryRepository;
  blocks: BlockList;
  attachments: AttachmentCatalog;
  reminders: BlockReminderReader;
  /** Effective chat with the patients' groups; without it, groups are not consulted. */
  chat?: ChatSettingsReader;
  now: () => Date;
}

export interface Warning {
  code: 'recipient_blocked';
  recipient: PartyRef;
  channel: Channel;
  address: string;
}

// ------------------------------------------------------------------ views

export interface ConversationView {
  id: string;
  kind: ConversationKind;
  channel: Channel;
  subject: string | null;
  participants: { type: 'patient' | 'staff'; id: string; name: string }[];
  createdBy: PartyRef;
  createdAt: string;
  lastMessageAt: string;
  lastDirection: 'inbound' | 'outbound' | 'internal';
  status: InboxStatus;
  starred: boolean;
  replyPolicy?: { canReply: boolean; reason?: string };
}

export const messageView = (m: MessageRecord) => ({
  id: m.id,
  conversationId: m.conversationId,
  channel: m.channel,
  direction: m.direction,
  author: m.author,
  body: m.body,
  attachments: m.attachments,
  createdAt: m.createdAt,
  deliveries: m.deliveries.map((d) => ({
    recipient: d.recipient,
    channel: d.channel,
    address: d.address,
    // `sending` is the dispatcher's claim on a queued delivery: to callers it is still queued.
    status: (d.status as string) === 'sending' ? 'queued' : d.status,
    purpose: d.purpose,
    ...(d.error ? { error: d.error } : {}),
  })),
  ...(m.call ? { call: m.call } : {}),
});

function conversationView(c: ConversationRecord, state: StateRecord | null, verdict?: { canReply: boolean; reason?: string }): ConversationView {
  return {
    id: c.id,
    kind: c.kind,
    channel: c.channel,
    subject: c.subject,
    participants: c.participants.map(({ type, id, name }) => ({ type, id, name })),
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    lastMessageAt: c.lastMessageAt,
    lastDirection: c.lastDirection,
    status: state ? inboxStatus(state) : 'read',
    starred: state?.starred ?? false,
    ...(verdict ? { replyPolicy: verdict.canReply ? { canReply: true } : { canReply: false, reason: verdict.reason as string } } : {}),
  };
}

// ------------------------------------------------------------------ facts

const selfParty = (caller: Caller): PartyRef => ({ type: caller.kind, id: caller.id });

export async function patientFacts(deps: ConversationDeps, practiceId: string, patients: readonly PatientRecord[]): Promise<PatientFacts[]> {
  if (patients.length === 0) return [];
  const settings = await deps.directory.getSettings(practiceId);
  const chats = await deps.chat?.effectiveFor(practiceId, patients, settings);
  return patients.map((p) => toFacts(p, chats?.get(p.id) ?? effectiveChat(p.chat, [], practiceDefaultOf(settings, p.createdAt))));
}

function toFacts(p: PatientRecord, chat: EffectiveChat): PatientFacts {
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    directMessaging: chat.directMessaging.value,
    communityChat: chat.communityChat.value,
    email: p.email,
    phone: p.phone,
    whatsapp: p.whatsapp,
  };
}

/** Resolves party references to directory entries; 404 for anyone not in this practice. */
async function resolveParties(
  deps: ConversationDeps,
  caller: Caller,
  refs: readonly { type: 'patient' | 'staff'; id: string }[],
): Promise<{ parties: Party[]; patients: PatientRecord[] }> {
  const staffIds = refs.filter((r) => r.type === 'staff').map((r) => r.id);
  const patientIds = refs.filter((r) => r.type === 'patient').map((r) => r.id);
  const [staff, patients] = await Promise.all([
    staffIds.length ? deps.directory.getStaffMany(caller.practiceId, staffIds) : [],
    patientIds.length ? deps.directory.getPatients(caller.practiceId, patientIds) : [],
  ]);
  const staffById = new Map(staff.map((s) => [s.id, s]));
  const patientById = new Map(patients.map((p) => [p.id, p]));
  const parties: Party[] = [];
  for (const r of refs) {
    if (r.type === 'staff') {
      const s = staffById.get(r.id);
      if (!s) throw notFound(`Staff member ${r.id}`);
      parties.push({ type: 'staff', id: s.id, name: s.name, role: s.role });
    } else {
      const p = patientById.get(r.id);
      if (!p) throw notFound(`Patient ${r.id}`);
      parties.push({ type: 'patient', id: p.id, name: p.name, role: 'patient' });
    }
  }
  return { parties, patients };
}

function callerParty(caller: Caller): Party {
  return { type: caller.kind, id: caller.id, name: caller.name ?? 'Administrator', role: caller.role };
}

// ------------------------------------------------------------------ deliveries

/**
 * One delivery per external recipient: the patient's address on the conversation's channel, or
 * for portal messages the in-portal delivery plus a no-content notification email. Blocked
 * addresses are stored as `blocked` and answered with a warning; nothing will be sent to them.
 */
async function planDeliveries(
  deps: ConversationDeps,
  practiceId: string,
  channel: Channel,
  author: PartyRef,
  recipients: readonly PatientFacts[],
): Promise<{ deliveries: DeliveryRecord[]; warnings: Warning[] }> {
  const planned: (DeliveryRecord & { blockKey?: string })[] = [];
  for (const p of recipients) {
    if (author.type === 'patient' && author.id === p.id) continue;
    const recipient: PartyRef = { type: 'patient', id: p.id };
    if (channel === 'call') continue;
    if (channel === 'portal') {
      planned.push({ recipient, channel: 'portal', address: null, status: 'delivered', purpose: 'message' });
      if (p.email) {
        planned.push({ recipient, channel: 'email', address: p.email, status: 'queued', purpose: 'notification', blockKey: `email:${p.email}` });
      }
      continue;
    }
    const address = channelAddress(channel, p);
    if (!address) continue;
    const type = channel === 'email' ? 'email' : 'phone';
    planned.push({ recipient, channel, address, status: 'queued', purpose: 'message', blockKey: `${type}:${address}` });
  }
  const lookups = planned
    .filter((d) => d.blockKey)
    .map((d) => ({ type: (d.channel === 'email' ? 'email' : 'phone') as 'email' | 'phone', value: d.address as string }));
  const blocked = lookups.length > 0 ? await deps.blocks.blockedAmong(practiceId, lookups) : new Set<string>();
  const warnings: Warning[] = [];
  const deliveries = planned.map(({ blockKey, ...d }) => {
    if (blockKey && blocked.has(blockKey)) {
      warnings.push({ code: 'recipient_blocked', recipient: d.recipient, channel: d.channel, address: d.address as string });
      return { ...d, status: 'blocked' as const };
    }
    return d;
  });
  return { deliveries, warnings };
}

async function assertAttachments(deps: ConversationDeps, caller: Caller, channel: Channel, ids: readonly string[]) {
  if (ids.length === 0 || channel === 'sms') return;
  const ready = await deps.attachments.readyFor(caller, ids);
  const missing = ids.filter((id) => !ready.has(id));
  if (missing.length > 0) {
    throw new DomainError('attachment_not_ready', 'Only your own attachments whose upload is complete can be attached.', {
      errors: missing.map((id) => ({ path: `attachmentIds.${ids.indexOf(id)}`, message: 'Not a ready attachment of yours' })),
    });
  }
}

/**
 * Message ids carry their createdAt as the ULID time: within a conversation times strictly
 * increase (see `laterThan`), so id order (the key order of the message list) is time order.
 */
const messageId = (at: string) => ulid(Date.parse(at));

/** Retries a whole read-decide-write when another write raced it. */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      // Many writers on one conversation serialise through retries: keep trying a while.
      if (!(error instanceof WriteConflict) || attempt >= 15) throw error;
      await new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 300) * (0.5 + Math.random())));
    }
  }
}

// ------------------------------------------------------------------ start

export interface StartInput {
  kind?: 'direct' | 'community' | undefined;
  channel: ComposeChannel;
  subject?: string | undefined;
  participants: { type: 'patient' | 'staff'; id: string }[];
  body: string;
  attachmentIds?: string[] | undefined;
}

export async function startConversation(deps: ConversationDeps, caller: Caller, input: StartInput) {
  const kind = input.kind ?? 'direct';
  const attachmentIds = input.attachmentIds ?? [];
  requireSendPermission(caller);
  assertValidContent({ channel: input.channel, subject: input.subject, body: input.body, attachmentIds });

  const seen = new Set<string>([`${caller.kind}:${caller.id}`]);
  const others = input.participants.filter((p) => {
    const key = `${p.type}:${p.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (others.length === 0) throw validationFailed([{ path: 'participants', message: 'Name at least one participant besides yourself' }]);
  if (others.length + 1 > MAX_PARTICIPANTS) {
    throw validationFailed([{ path: 'participants', message: `A conversation has at most ${MAX_PARTICIPANTS} participants, you included; use a broadcast for more` }]);
  }

  const refs = caller.kind === 'patient' ? [...others, { type: 'patient' as const, id: caller.id }] : others;
  const { parties, patients } = await resolveParties(deps, caller, refs);
  const otherParties = parties.filter((p) => !(p.type === caller.kind && p.id === caller.id));
  const facts = await patientFacts(deps, caller.practiceId, patients);

  const existingWithPatient = new Map<string, string>();
  if (caller.role === 'provider' && kind === 'direct') {
    for (const p of otherParties.filter((x) => x.type === 'patient')) {
      const existing = await deps.conversations.pairConversation(caller.practiceId, caller.id, p.id);
      if (existing) existingWithPatient.set(p.id, existing);
    }
  }
  assertMayStart({ initiator: caller, kind, channel: input.channel, others: otherParties, existingWithPatient });
  const recipients = facts.filter((f) => !(caller.kind === 'patient' && f.id === caller.id));
  assertReachable(input.channel, recipients);
  assertChatAvailable(caller, kind, facts);
  await assertAttachments(deps, caller, input.channel, attachmentIds);

  const participants = [callerParty(caller), ...otherParties];
  const at = deps.now().toISOString();
  const author = selfParty(caller);
  const direction = directionOf(caller, participants);
  const conversation: ConversationRecord = {
    id: ulid(),
    kind,
    channel: input.channel,
    subject: input.subject?.trim() || null,
    participants,
    createdBy: author,
    createdAt: at,
    lastMessageAt: at,
    lastDirection: direction,
  };
  const { deliveries, warnings } = await planDeliveries(deps, caller.practiceId, input.channel, author, recipients);
  const message: MessageRecord = {
    id: messageId(at),
    conversationId: conversation.id,
    channel: input.channel,
    direction,
    author,
    body: input.body,
    attachments: attachmentIds.map((id) => ({ id })),
    createdAt: at,
    deliveries,
  };
  const fresh = { status: 'read' as const, archived: false, starred: false };
  const states: StateRecord[] = participants.map((p) => ({
    conversationId: conversation.id,
    party: { type: p.type, id: p.id },
    lastMessageAt: at,
    ...afterMessage(fresh, { isAuthor: p.type === author.type && p.id === author.id, direction }),
  }));
  const patientIds = participants.filter((p) => p.type === 'patient').map((p) => p.id);
  const pairs =
    kind === 'direct' && patientIds.length === 1
      ? participants
          .filter((p) => p.type === 'staff' && p.role === 'provider')
          .map((p) => ({ providerId: p.id, patientId: patientIds[0] as string, exclusive: p.id === caller.id }))
      : [];

  try {
    await deps.conversations.send(caller.practiceId, {
      conversation,
      isNew: true,
      message,
      states,
      correspondenceOf: patientIds,
      pairs,
    });
  } catch (error) {
    if (error instanceof PairTaken) {
      const existing = await deps.conversations.pairConversation(caller.practiceId, error.providerId, error.patientId);
      throw conversationExists('A conversation between you and this patient already exists; continue it instead.', existing);
    }
    throw error;
  }
  const mine = states.find((s) => s.party.type === caller.kind && s.party.id === caller.id) ?? null;
  const verdict = replyVerdict({ caller, kind, channel: input.channel, participants, patients: facts });
  return {
    conversation: conversationView(conversation, mine, verdict),
    message: messageView(message),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

// ------------------------------------------------------------------ read

async function loadConversation(deps: ConversationDeps, caller: Caller, id: string): Promise<ConversationRecord> {
  const c = await deps.conversations.get(caller.practiceId, id);
  if (!c) throw notFound('Conversation');
  return c;
}

async function conversationFacts(deps: ConversationDeps, caller: Caller, c: ConversationRecord): Promise<PatientFacts[]> {
  const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
  const patients = patientIds.length ? await deps.directory.getPatients(caller.practiceId, patientIds) : [];
  return patientFacts(deps, caller.practiceId, patients);
}

export async function getConversation(deps: ConversationDeps, caller: Caller, id: string): Promise<ConversationView> {
  const c = await loadConversation(deps, caller, id);
  assertMayRead(caller, c.participants);
  const [state, facts] = await Promise.all([
    deps.conversations.state(caller.practiceId, id, selfParty(caller)),
    conversationFacts(deps, caller, c),
  ]);
  const verdict = replyVerdict({ caller, kind: c.kind, channel: c.channel, participants: c.participants, patients: facts });
  return conversationView(c, state, verdict);
}

/** Only admins may look behind hideExisting. */
function assertMayIncludeHidden(caller: Caller, includeHidden: boolean | undefined): void {
  if (includeHidden && caller.role !== 'admin') throw forbidden('Only admins can list hidden messages (includeHidden).');
}

export async function listInbox(deps: ConversationDeps, caller: Caller, query: InboxQuery): Promise<Page<ConversationView>> {
  assertMayIncludeHidden(caller, query.includeHidden);
  const page = await deps.conversations.inbox(caller.practiceId, selfParty(caller), query);
  return { items: page.items.map((e) => conversationView(e.conversation, e)), nextCursor: page.nextCursor };
}

export async function listMessages(deps: ConversationDeps, caller: Caller, id: string, page: PageRequest) {
  const c = await loadConversation(deps, caller, id);
  assertMayRead(caller, c.participants);
  const result = await deps.conversations.messages(caller.practiceId, id, page);
  return { items: result.items.map(messageView), nextCursor: result.nextCursor };
}

// ------------------------------------------------------------------ reply

export async function reply(deps: ConversationDeps, caller: Caller, id: string, input: { body: string; attachmentIds?: string[] | undefined }) {
  const attachmentIds = input.attachmentIds ?? [];
  return withRetry(async () => {
    const c = await loadConversation(deps, caller, id);
    const facts = await conversationFacts(deps, caller, c);
    const verdict = replyVerdict({ caller, kind: c.kind, channel: c.channel, participants: c.participants, patients: facts });
    if (!verdict.canReply) throw verdict.error;
    assertValidContent({ channel: c.channel, subject: c.subject ?? '(reply)', body: input.body, attachmentIds });
    await assertAttachments(deps, caller, c.channel, attachmentIds);

    const at = laterThan(c.lastMessageAt, deps.now());
    const author = selfParty(caller);
    const participants = c.participants.some((p) => p.type === author.type && p.id === author.id)
      ? c.participants
      : [...c.participants, callerParty(caller)];
    const direction = directionOf(caller, participants);
    const recipients = facts.filter((f) => !(caller.kind === 'patient' && f.id === caller.id));
    const { deliveries, warnings } = await planDeliveries(deps, caller.practiceId, c.channel, author, recipients);
    const message: MessageRecord = {
      id: messageId(at),
      conversationId: c.id,
      channel: c.channel,
      direction,
      author,
      body: input.body,
      attachments: attachmentIds.map((a) => ({ id: a })),
      createdAt: at,
      deliveries,
    };
    const existing = await deps.conversations.states(caller.practiceId, c.id);
    const states = nextStates(c, participants, existing, author, direction, at);
    await deps.conversations.send(caller.practiceId, {
      conversation: { ...c, participants, lastMessageAt: at, lastDirection: direction },
      isNew: false,
      message,
      states,
      correspondenceOf: participants.filter((p) => p.type === 'patient').map((p) => p.id),
      pairs: [],
    });
    return { ...messageView(message), ...(warnings.length > 0 ? { warnings } : {}) };
  });
}

function nextStates(
  c: ConversationRecord,
  participants: readonly Party[],
  existing: readonly StateRecord[],
  author: PartyRef,
  direction: 'inbound' | 'outbound' | 'internal',
  at: string,
): StateRecord[] {
  const byParty = new Map(existing.map((s) => [`${s.party.type}:${s.party.id}`, s]));
  const out: StateRecord[] = [];
  for (const p of participants) {
    const prior = byParty.get(`${p.type}:${p.id}`);
    // Patients of a call-log conversation have no inbox entry for it: call logs are staff records.
    if (!prior && c.kind === 'call_log' && p.type === 'patient') continue;
    const base = prior ?? { conversationId: c.id, party: { type: p.type, id: p.id }, status: 'read' as const, archived: false, starred: false, lastMessageAt: at };
    out.push({
      ...base,
      ...afterMessage(base, { isAuthor: p.type === author.type && p.id === author.id, direction }),
      lastMessageAt: at,
    });
  }
  return out;
}

/** Message times within a conversation move forward, even when clocks of two writers differ. */
function laterThan(previous: string, now: Date): string {
  return new Date(Math.max(now.getTime(), Date.parse(previous) + 1)).toISOString();
}

// ------------------------------------------------------------------ per-participant state

async function ownState(deps: ConversationDeps, caller: Caller, c: ConversationRecord): Promise<StateRecord> {
  assertMayRead(caller, c.participants);
  const state = await deps.conversations.state(caller.practiceId, c.id, selfParty(caller));
  if (!state) {
    throw new DomainError('not_a_participant', 'Read and archive state is kept for participants only.');
  }
  return state;
}

export async function markRead(deps: ConversationDeps, caller: Caller, id: string): Promise<ConversationView> {
  return withRetry(async () => {
    const c = await loadConversation(deps, caller, id);
    const state = await ownState(deps, caller, c);
    const next = { ...state, ...afterRead(state) };
    await deps.conversations.putState(caller.practiceId, c, next);
    return conversationView(c, next);
  });
}

export async function patchOwnState(
  deps: ConversationDeps,
  caller: Caller,
  id: string,
  patch: { archived?: boolean | undefined; starred?: boolean | undefined },
): Promise<ConversationView> {
  return withRetry(async () => {
    const c = await loadConversation(deps, caller, id);
    const state = await ownState(deps, caller, c);
    const next = { ...state, ...afterPatch(state, patch) };
    await deps.conversations.putState(caller.practiceId, c, next);
    return conversationView(c, next);
  });
}

// ------------------------------------------------------------------ delete

export async function deleteMessage(deps: ConversationDeps, caller: Caller, conversationId: string, messageId: string): Promise<void> {
  const c = await loadConversation(deps, caller, conversationId);
  assertMayRead(caller, c.participants);
  const m = await deps.conversations.message(caller.practiceId, conversationId, messageId);
  if (!m) throw notFound('Message');
  assertMayDeleteMessage(caller, m);
  await deps.conversations.deleteMessage(caller.practiceId, c, m);
}

export async function deleteConversation(deps: ConversationDeps, caller: Caller, id: string): Promise<void> {
  // A delete that was interrupted is resumed by the next DELETE.
  const c = await deps.conversations.get(caller.practiceId, id, { includeDeleting: true });
  if (!c) throw notFound('Conversation');
  assertMayRead(caller, c.participants);
  assertMayDeleteConversation(caller, c.createdBy);
  await deps.conversations.deleteConversation(caller.practiceId, c);
}

// ------------------------------------------------------------------ notes, call logs, correspondence

export async function addNote(deps: ConversationDeps, caller: Caller, conversationId: string, input: { text: string }): Promise<NoteRecord> {
  requireStaff(caller);
  const c = await loadConversation(deps, caller, conversationId);
  assertMayRead(caller, c.participants);
  const patientId = assertNoteAllowed(c.participants);
  const note: NoteRecord = {
    id: ulid(),
    patientId,
    conversationId,
    text: input.text,
    author: selfParty(caller),
    createdAt: deps.now().toISOString(),
  };
  await deps.conversations.addNote(caller.practiceId, note);
  return note;
}

async function requirePatient(deps: ConversationDeps, caller: Caller, patientId: string): Promise<PatientRecord> {
  const p = await deps.directory.getPatient(caller.practiceId, patientId);
  if (!p) throw notFound('Patient');
  return p;
}

export async function listNotes(deps: ConversationDeps, caller: Caller, patientId: string, page: PageRequest): Promise<Page<NoteRecord>> {
  requireStaff(caller);
  await requirePatient(deps, caller, patientId);
  return deps.conversations.notes(caller.practiceId, patientId, page);
}

export interface CallLogInput {
  patientId: string;
  occurredAt: string;
  durationSeconds: number;
  direction: 'inbound' | 'outbound';
  summary: string;
}

export async function logCall(deps: ConversationDeps, caller: Caller, input: CallLogInput) {
  requireStaff(caller);
  const patient = await requirePatient(deps, caller, input.patientId);
  return withRetry(async () => {
    const existingId = await deps.conversations.callLogConversation(caller.practiceId, patient.id);
    const existing = existingId ? await deps.conversations.get(caller.practiceId, existingId) : null;
    const at = existing ? laterThan(existing.lastMessageAt, deps.now()) : deps.now().toISOString();
    const me = callerParty(caller);
    const conversation: ConversationRecord = existing ?? {
      id: ulid(),
      kind: 'call_log',
      channel: 'call',
      subject: 'Call log',
      participants: [{ type: 'patient', id: patient.id, name: patient.name, role: 'patient' }],
      createdBy: selfParty(caller),
      createdAt: at,
      lastMessageAt: at,
      lastDirection: input.direction,
    };
    const participants = conversation.participants.some((p) => p.type === 'staff' && p.id === me.id)
      ? conversation.participants
      : [...conversation.participants, me];
    const message: MessageRecord = {
      id: messageId(at),
      conversationId: conversation.id,
      channel: 'call',
      direction: input.direction,
      author: selfParty(caller),
      body: input.summary,
      attachments: [],
      createdAt: at,
      deliveries: [],
      call: { occurredAt: new Date(input.occurredAt).toISOString(), durationSeconds: input.durationSeconds },
    };
    const existingStates = existing ? await deps.conversations.states(caller.practiceId, conversation.id) : [];
    const states = nextStates(conversation, participants, existingStates, selfParty(caller), input.direction, at);
    await deps.conversations.send(caller.practiceId, {
      conversation: { ...conversation, participants, lastMessageAt: at, lastDirection: input.direction },
      isNew: !existing,
      message,
      states,
      correspondenceOf: [patient.id],
      pairs: [],
      ...(existing ? {} : { callLogOf: patient.id }),
    });
    return messageView(message);
  });
}

export async function correspondence(
  deps: ConversationDeps,
  caller: Caller,
  patientId: string,
  page: PageRequest & { includeHidden?: boolean | undefined },
): Promise<{ items: ReturnType<typeof messageView>[]; nextCursor: string | null; blockedContacts: BlockedContactView[] }> {
  requireStaff(caller);
  assertMayIncludeHidden(caller, page.includeHidden);
  const patient = await requirePatient(deps, caller, patientId);
  const [result, blockedContacts] = await Promise.all([
    deps.conversations.correspondence(caller.practiceId, patientId, {
      limit: page.limit,
      cursor: page.cursor,
      includeHidden: page.includeHidden ?? false,
    }),
    deps.reminders.blockedContactsOf(caller.practiceId, patient),
  ]);
  return { items: result.items.map(messageView), nextCursor: result.nextCursor, blockedContacts };
}
