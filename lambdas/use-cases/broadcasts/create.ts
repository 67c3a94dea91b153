/**
 * The API side of broadcasts: accept one (202 at once: the audience is only bounded and its
 * named members checked, never resolved), read its progress, and preview who it would reach.
 */
import { ulid } from 'ulid';
import { requireStaff, type Caller } from '../../domain/caller.js';
import { assertValidContent, requireSendPermission, type ComposeChannel } from '../../domain/conversation-policy.js';
import { notFound } from '../../domain/errors.js';
import type { MemberRef } from '../contacts/ports.js';
import { audienceOf, audiencePages, checkAudience, type AudienceInput } from './audience.js';
import { CHUNK, noneExcluded, type BroadcastDeps, type BroadcastRecord, type LeftOut } from './ports.js';
import { boundedTasks } from '../bounded-tasks.js';
import { addExcluded, newCache, resolveMembers, type ResolutionCache } from './resolve.js';

export interface BroadcastInput {
  channel: ComposeChannel;
  subject?: string | undefined;
  body: string;
  audience: AudienceInput;
}

/** Stores the broadcast as `preparing` with its audience and answers; the stream does the rest. */
export async function createBroadcast(deps: BroadcastDeps, caller: Caller, input: BroadcastInput) {
  requireStaff(caller);
  requireSendPermission(caller);
  assertValidContent({ channel: input.channel, subject: input.subject, body: input.body, attachmentIds: [] });
  const audience = audienceOf(input.audience);
  await checkAudience(deps.audienceDirectory, caller.practiceId, audience);
  const broadcast: BroadcastRecord = {
    id: ulid(),
    channel: input.channel,
    subject: input.subject?.trim() || null,
    body: input.body,
    sender: { id: caller.id, name: caller.name, role: caller.role },
    status: 'preparing',
    recipients: null,
    excluded: null,
    counts: { queued: 0, sent: 0, delivered: 0, failed: 0, blocked: 0, suppressed: 0 },
    createdAt: deps.now().toISOString(),
  };
  const answer = { id: broadcast.id, status: broadcast.status };
  await deps.broadcasts.create(caller.practiceId, broadcast, audience, answer);
  return answer;
}

export async function getBroadcast(deps: BroadcastDeps, caller: Caller, id: string) {
  requireStaff(caller);
  const b = await deps.broadcasts.get(caller.practiceId, id);
  if (!b) throw notFound('Broadcast');
  return { id: b.id, status: b.status, channel: b.channel, recipients: b.recipients, excluded: b.excluded, counts: b.counts, createdAt: b.createdAt };
}

/** How many people are shown as left out by a preview. */
export const UNAVAILABLE_SHOWN = 100;
/** Chunks resolved at once by a preview. */
const PREVIEW_PARALLEL = 12;
/** A practice with up to this many groups has them listed once by a preview (their chat settings), instead of each patient's groups read. */
const PREVIEW_GROUPS_LISTED = 2_000;
/** A practice with up to this many active blocks has them listed once by a preview, instead of a block key read per address. */
export const PREVIEW_BLOCKS_LISTED = 5_000;
/** A practice with up to this many suppressions has its opt-outs listed once by an SMS or WhatsApp preview, instead of a suppression key read per number. */
export const PREVIEW_SUPPRESSIONS_LISTED = 20_000;

/**
 * Who a broadcast would reach: the same resolution as the fan-out, counted, nothing written.
 * The practice's groups, active blocks and opt-outs are listed once (when few) while the
 * audience is read page by page; each chunk of 100 is resolved as soon as it is complete, 12 at
 * once, so reading the members and resolving them overlap.
 */
export async function previewBroadcast(deps: BroadcastDeps, caller: Caller, input: { channel: ComposeChannel; audience: AudienceInput }) {
  requireStaff(caller);
  requireSendPermission(caller);
  const practiceId = caller.practiceId;
  const dir = deps.audienceDirectory;
  const audience = audienceOf(input.audience);
  await checkAudience(dir, practiceId, audience);
  const phones = input.channel === 'sms' || input.channel === 'whatsapp';
  const listed = Promise.all([
    dir.groupChats?.(practiceId, PREVIEW_GROUPS_LISTED) ?? null,
    input.channel === 'portal' ? null : (dir.blockedAddresses?.(practiceId, PREVIEW_BLOCKS_LISTED) ?? null),
    phones ? (dir.optedOutAddresses?.(practiceId, PREVIEW_SUPPRESSIONS_LISTED) ?? null) : null,
  ]).then(([allGroupChats, allBlocked, allOptedOut]): ResolutionCache => ({
    ...newCache(),
    ...(allGroupChats ? { allGroupChats } : {}),
    ...(allBlocked ? { allBlocked } : {}),
    ...(allOptedOut ? { allOptedOut } : {}),
  }));
  // Awaited by every chunk and at the end; a failure is not left unhandled meanwhile.
  listed.catch(() => undefined);

  // In audience order, whichever chunk is resolved first.
  const results: { recipients: number; leftOut: LeftOut[]; excluded: ReturnType<typeof noneExcluded> }[] = [];
  const chunks = boundedTasks(PREVIEW_PARALLEL);
  const resolveChunk = (refs: MemberRef[]) => {
    const i = results.push({ recipients: 0, leftOut: [], excluded: noneExcluded() }) - 1;
    return chunks.add(async () => {
      const r = await resolveMembers(dir, practiceId, input.channel, refs, await listed);
      results[i] = { recipients: r.recipients.length, leftOut: r.leftOut, excluded: r.excluded };
    });
  };
  const pending: MemberRef[] = [];
  for await (const page of audiencePages(dir, practiceId, audience)) {
    pending.push(...page);
    while (pending.length >= CHUNK) await resolveChunk(pending.splice(0, CHUNK));
  }
  if (pending.length) await resolveChunk(pending.splice(0));
  await Promise.all([listed, chunks.done()]);

  let recipients = 0;
  let excluded = noneExcluded();
  const unavailable: LeftOut[] = [];
  for (const r of results) {
    recipients += r.recipients;
    excluded = addExcluded(excluded, r.excluded);
    for (const l of r.leftOut) if (unavailable.length < UNAVAILABLE_SHOWN) unavailable.push(l);
  }
  return { recipients, excluded, unavailable };
}
