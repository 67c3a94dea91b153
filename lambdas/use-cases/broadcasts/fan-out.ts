/**
 * The background side of a broadcast, off the table's stream, in steps that can each run again:
 * - prepare (the broadcast item was inserted): expand the audience, each person once, and write
 *   it as chunks of 100 member references (same chunk, same key);
 * - fan out (a chunk was inserted): resolve its people, leave out and count the excluded, and
 *   write every recipient's conversation, message, state and delivery in BatchWriteItem calls.
 *   Ids derive from the broadcast and the recipient, and a chunk run again skips the recipients
 *   whose messages exist, so nobody gets two; the chunk's tally is added to the broadcast once
 *   (a marker per chunk, in the same transaction).
 * Nobody sees the others; nobody can reply (the conversation kind is `broadcast`).
 */
import type { MemberRef } from '../contacts/ports.js';
import { chunked, expandAudience } from './audience.js';
import { CHUNK, type BroadcastDeps, type ChunkTally } from './ports.js';
import { newCache, resolveMembers } from './resolve.js';

export type FanOutDeps = Pick<BroadcastDeps, 'broadcasts' | 'audienceDirectory'>;

export async function prepareBroadcast(deps: FanOutDeps, practiceId: string, broadcastId: string): Promise<{ chunks: number }> {
  const b = await deps.broadcasts.get(practiceId, broadcastId);
  if (!b || b.status !== 'preparing') return { chunks: 0 };
  const audience = await deps.broadcasts.audience(practiceId, broadcastId);
  const chunks = chunked(await expandAudience(deps.audienceDirectory, practiceId, audience), CHUNK);
  await deps.broadcasts.writeChunks(practiceId, broadcastId, chunks);
  await deps.broadcasts.prepared(practiceId, broadcastId, chunks.length);
  return { chunks: chunks.length };
}

export async function fanOutChunk(
  deps: FanOutDeps,
  practiceId: string,
  broadcastId: string,
  index: number,
  members: readonly MemberRef[],
): Promise<{ written: number; counted: boolean }> {
  const b = await deps.broadcasts.get(practiceId, broadcastId);
  if (!b) return { written: 0, counted: false };
  const resolved = await resolveMembers(deps.audienceDirectory, practiceId, b.channel, members, newCache());
  const notify = [...new Set(resolved.recipients.map((r) => r.notify).filter((a): a is string => !!a))];
  const notifyBlocked = notify.length
    ? (await deps.audienceDirectory.barriers(practiceId, notify.map((value) => ({ type: 'email' as const, value })))).blocked
    : new Set<string>();
  const done = await deps.broadcasts.alreadyWritten(practiceId, b, resolved.recipients);
  const fresh = resolved.recipients.filter((r) => !done.has(`${r.type}#${r.id}`));
  if (fresh.length) await deps.broadcasts.writeRecipients(practiceId, b, fresh, notifyBlocked);
  const n = resolved.recipients.length;
  const tally: ChunkTally = {
    recipients: n,
    excluded: resolved.excluded,
    queued: b.channel === 'portal' ? 0 : n,
    delivered: b.channel === 'portal' ? n : 0,
  };
  const counted = await deps.broadcasts.completeChunk(practiceId, broadcastId, index, tally);
  return { written: fresh.length, counted };
}
