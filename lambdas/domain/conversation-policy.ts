/**
 * The rules of who may message whom. Pure functions: the use cases gather the facts
 * (participants, their roles, status and effective chat) and ask here. `GET /v1/conversations/{id}`
 * reports `replyPolicy` from the same function that enforces replies, so they cannot disagree.
 */
import { hasPermission, type Caller, type Role } from './caller.js';
import { ConversationRuleBroken, DomainError, ReplyRefused, conflict, forbidden, validationFailed } from './errors.js';

export const channels = ['portal', 'email', 'sms', 'whatsapp', 'call'] as const;
export type Channel = (typeof channels)[number];
export type ComposeChannel = Exclude<Channel, 'call'>;
export type ConversationKind = 'direct' | 'community' | 'broadcast' | 'call_log';

export interface Party {
  /** `contact`: a non-patient sender (an inbound message's contact); it has the role `patient` (the outside party). */
  type: 'patient' | 'staff' | 'contact';
  id: string;
  name: string;
  /** Staff role, or 'patient'. */
  role: Role;
}

/** What the rules need to know about a patient right now. */
export interface PatientFacts {
  id: string;
  name: string;
  status: 'active' | 'inactive';
  directMessaging: boolean;
  communityChat: boolean;
  email: string | null;
  phone: string | null;
  whatsapp: string | null;
  /** Effective `emailNotifications`: false means no "you have a new message" email (absent: true). */
  emailNotifications?: boolean;
}

/**
 * People per conversation, the caller included: the contract's "at least 500". Bounded so the
 * conversation item (every participant with their name, ~100 bytes each) and a send's chunk
 * items stay far below DynamoDB's 400 KB item size.
 */
export const MAX_PARTICIPANTS = 500;

const rule = (detail: string) => new ConversationRuleBroken(detail);

export const chatUnavailable = (name: string) => new DomainError('recipient_chat_disabled', `Chat is unavailable for ${name}`);

export const conversationExists = (detail: string, existingConversationId: string | null) =>
  conflict('conversation_exists', detail, { existingConversationId });

// ------------------------------------------------------------------ starting

export interface StartFacts {
  initiator: Caller;
  kind: 'direct' | 'community';
  channel: ComposeChannel;
  /** Everyone but the initiator. */
  others: readonly Party[];
  /** For a provider initiator: an existing conversation with each patient, if any. */
  existingWithPatient: ReadonlyMap<string, string>;
}

/** Throws the error of the first rule the start breaks; returns when it is allowed. */
export function assertMayStart(f: StartFacts): void {
  const { initiator, others } = f;
  const patients = others.filter((p) => p.type === 'patient');
  const staff = others.filter((p) => p.type === 'staff');

  if (f.kind === 'community' && initiator.kind !== 'staff') {
    throw rule('Only staff start community chats.');
  }
  switch (initiator.role) {
    case 'admin':
      return;
    case 'receptionist':
    case 'biller':
      return; // patients and staff
    case 'provider': {
      for (const p of patients) {
        const existing = f.existingWithPatient.get(p.id);
        if (existing) {
          throw conversationExists(`A conversation between you and ${p.name} already exists; continue it instead.`, existing);
        }
      }
      return;
    }
    case 'patient': {
      if (f.channel !== 'portal') throw rule('Patients start conversations in the portal only.');
      if (patients.length > 0) throw rule('Patients cannot start conversations with other patients.');
      const other = staff.find((s) => s.role !== 'receptionist' && s.role !== 'biller');
      if (other) throw rule(`Patients may start conversations with receptionists and billers only, not with ${withArticle(other.role)}.`);
      return;
    }
  }
}

/** "an admin", "a provider": the indefinite article a role takes in a sentence. */
const withArticle = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

// ------------------------------------------------------------------ composing

export interface BodyRules {
  channel: Channel;
  subject: string | undefined;
  body: string;
  attachmentIds: readonly string[];
}

/**
 * Subject and body rules (400 validation_failed, every field listed) and the SMS attachment rule.
 * Whitespace is not text: the minimums count the characters left after trimming.
 */
export function assertValidContent(c: BodyRules): void {
  const errors = [];
  const needsSubject = c.channel === 'portal' || c.channel === 'email';
  if (needsSubject && (c.subject === undefined || c.subject.trim() === '')) {
    errors.push({ path: 'subject', message: `A subject is required on ${c.channel}` });
  }
  const text = c.body.trim();
  if (text.length < 1 || c.body.length > 10_000) {
    errors.push({ path: 'body', message: 'The body must be 1 to 10,000 characters, not counting surrounding whitespace' });
  } else if (needsSubject && text.length < 10) {
    errors.push({ path: 'body', message: `The body must be at least 10 characters on ${c.channel}, not counting surrounding whitespace` });
  }
  if (errors.length > 0) throw validationFailed(errors);
  if (c.channel === 'sms' && c.attachmentIds.length > 0) {
    throw new DomainError('attachments_not_allowed', 'SMS messages cannot carry attachments.');
  }
}

/** The address a channel reaches a patient at; null when it cannot. Portal needs none. */
export function channelAddress(channel: Channel, p: Pick<PatientFacts, 'email' | 'phone' | 'whatsapp'>): string | null {
  switch (channel) {
    case 'email':
      return p.email;
    case 'sms':
      return p.phone;
    case 'whatsapp':
      return p.whatsapp ?? p.phone;
    default:
      return null;
  }
}

export function assertReachable(channel: Channel, patients: readonly PatientFacts[]): void {
  if (channel === 'portal' || channel === 'call') return;
  const what = { email: 'email address', sms: 'phone number', whatsapp: 'WhatsApp number or phone' }[channel];
  for (const p of patients) {
    if (channelAddress(channel, p) === null) {
      throw new DomainError('channel_unavailable', `${p.name} has no ${what} on file, so ${channel} cannot reach them.`, {
        data: { patientId: p.id },
      });
    }
  }
}

/** Staff composing to a patient whose chat is off (422); a patient whose chat is off sending (403). */
export function assertChatAvailable(sender: Caller, kind: ConversationKind, patients: readonly PatientFacts[]): void {
  const error = chatRefusal(sender, kind, patients);
  if (error) throw error;
}

function chatRefusal(sender: Caller, kind: ConversationKind, patients: readonly PatientFacts[]): DomainError | null {
  if (sender.kind === 'patient') {
    const me = patients.find((p) => p.id === sender.id);
    const allowed = kind === 'community' ? me?.communityChat : me?.directMessaging;
    if (me && allowed === false) {
      return new DomainError('chat_disabled', 'Chat is disabled for you in this conversation; you can still read it.');
    }
    return null;
  }
  if (kind !== 'direct') return null; // community: muted patients read but do not post
  const off = patients.find((p) => !p.directMessaging);
  return off ? chatUnavailable(off.name) : null;
}

// ------------------------------------------------------------------ replying

export interface ReplyFacts {
  caller: Caller;
  kind: ConversationKind;
  channel: Channel;
  participants: readonly Party[];
  /** Current facts of the conversation's patients. */
  patients: readonly PatientFacts[];
}

/** The public reason `replyPolicy` reports; the same answer's `code` when the reply is sent anyway. */
export type ReplyRefusalReason = 'not_a_participant' | 'reply_not_allowed' | 'forbidden' | 'patient_inactive' | 'chat_disabled';

export type ReplyVerdict = { canReply: true } | { canReply: false; reason: ReplyRefusalReason; error: DomainError };

const refusals = {
  not_a_participant: 'reply_not_a_participant',
  reply_not_allowed: 'reply_not_allowed',
  forbidden: 'reply_forbidden',
  patient_inactive: 'patient_inactive',
} as const;

const refuse = (reason: keyof typeof refusals, detail: string): ReplyVerdict => ({
  canReply: false,
  reason,
  error: new ReplyRefused(refusals[reason], detail),
});

/** May the caller send into this conversation? The first rule that refuses decides. */
export function replyVerdict(f: ReplyFacts): ReplyVerdict {
  const { caller } = f;
  if (!mayRead(caller, f.participants)) {
    return refuse('not_a_participant', 'Only participants may read or reply to this conversation.');
  }
  if (f.kind === 'broadcast' || f.kind === 'call_log' || f.channel === 'call') {
    return refuse('reply_not_allowed', 'Nobody can reply here; start a new conversation instead.');
  }
  const patientCount = f.participants.filter((p) => p.type === 'patient').length;
  if (f.kind === 'direct' && patientCount >= 2) {
    return refuse('reply_not_allowed', 'This conversation has more than one patient; to protect privacy nobody can reply. Start a new conversation instead.');
  }
  if (!maySend(caller)) {
    return refuse('forbidden', NEEDS_SEND);
  }
  if (caller.kind === 'patient') {
    const me = f.patients.find((p) => p.id === caller.id);
    if (me?.status === 'inactive' && f.participants.some((p) => p.type === 'staff' && p.role === 'provider')) {
      return refuse('patient_inactive', 'Inactive patients cannot send to a conversation that includes a provider.');
    }
  }
  const chatOff = chatRefusal(caller, f.kind, f.patients);
  if (chatOff) return { canReply: false, reason: 'chat_disabled', error: chatOff };
  return { canReply: true };
}

/** Participants read and reply; admins may read (and reply to) any conversation of their practice. */
const mayRead = (caller: Caller, participants: readonly Party[]): boolean =>
  caller.role === 'admin' || participants.some((p) => p.id === caller.id && p.type === caller.kind);

/** Staff send with the send_messages permission (admins hold every permission); patients always may. */
const maySend = (caller: Caller): boolean => caller.kind !== 'staff' || hasPermission(caller, 'send_messages');

const NEEDS_SEND = 'This action needs the send_messages permission.';

export function assertMayRead(caller: Caller, participants: readonly Party[]): void {
  if (!mayRead(caller, participants)) {
    throw new DomainError('not_a_participant', 'Only participants may read or reply to this conversation.');
  }
}

/** Direction of a new message: from a patient inbound, from staff outbound, between staff internal. */
export function directionOf(author: Caller | Party, participants: readonly Party[]): 'inbound' | 'outbound' | 'internal' {
  const type = 'kind' in author ? author.kind : author.type;
  if (type === 'patient') return 'inbound';
  return participants.some((p) => p.type === 'patient' || p.type === 'contact') ? 'outbound' : 'internal';
}

/** Only staff delete, and only an outbound message they wrote (not an inbound one, nor a staff-only one). */
export function assertMayDeleteMessage(caller: Caller, message: { author: { type: string; id: string }; direction: string }): void {
  if (caller.kind !== 'staff' || message.author.type !== 'staff' || message.author.id !== caller.id || message.direction !== 'outbound') {
    throw new DomainError('delete_not_allowed', 'Staff may delete only outbound messages they wrote.');
  }
}

/** How far in the future a logged call may be (clocks differ a little); anything later is a mistake. */
export const CALL_CLOCK_SKEW_MS = 5 * 60_000;

/** A call log is of a call that happened: `occurredAt` at most a few minutes after `now` (400 otherwise). */
export function assertCallHappened(occurredAt: string, now: Date): void {
  if (Date.parse(occurredAt) > now.getTime() + CALL_CLOCK_SKEW_MS) {
    throw validationFailed([{ path: 'occurredAt', message: 'A call log is of a call that happened: occurredAt may be at most 5 minutes in the future' }]);
  }
}

/** A whole conversation: only when a staff member started it, by that person or an admin. */
export function assertMayDeleteConversation(caller: Caller, createdBy: { type: string; id: string }): void {
  const startedByStaff = createdBy.type === 'staff';
  const allowed = startedByStaff && caller.kind === 'staff' && (caller.id === createdBy.id || caller.role === 'admin');
  if (!allowed) {
    throw new DomainError('delete_not_allowed', 'Only a conversation started by staff can be deleted, by that staff member or an admin.');
  }
}

export function assertNoteAllowed(participants: readonly Party[]): string {
  const patients = participants.filter((p) => p.type === 'patient');
  if (patients.length !== 1) {
    throw new DomainError('note_not_allowed', 'A quick note can be saved only from a conversation with exactly one patient.');
  }
  return (patients[0] as Party).id;
}

export const requireSendPermission = (caller: Caller): void => {
  if (!maySend(caller)) throw forbidden(NEEDS_SEND);
};
