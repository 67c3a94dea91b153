/**
 * The audience of a broadcast: its size bounded cheaply (named ids counted directly, each group
 * by the member counter on its item: one BatchGetItem, no member read), and expanded in full in
 * the background or by a preview (each group's members in paged Queries of its partition), each
 * person once.
 */
import { DomainError, notFound } from '../../domain/errors.js';
import type { MemberRef } from '../contacts/ports.js';
import { MAX_AUDIENCE, type Audience, type AudienceDirectory } from './ports.js';

export interface AudienceInput {
  patientIds?: string[] | undefined;
  contactIds?: string[] | undefined;
  groupIds?: string[] | undefined;
}

export const audienceOf = (input: AudienceInput): Audience => ({
  patientIds: [...new Set(input.patientIds ?? [])],
  contactIds: [...new Set(input.contactIds ?? [])],
  groupIds: [...new Set(input.groupIds ?? [])],
});

/**
 * 404 for a named patient, contact or group that is not the practice's; 422 audience_too_large
 * when the named people plus the groups' member counters pass MAX_AUDIENCE. The bound counts a
 * person named twice (in two groups, or named and in a group) twice: it never resolves anyone.
 */
export async function checkAudience(dir: AudienceDirectory, practiceId: string, audience: Audience): Promise<number> {
  const groups = audience.groupIds.length ? await dir.groups(practiceId, audience.groupIds) : [];
  const missingGroup = audience.groupIds.find((id) => !groups.some((g) => g.id === id));
  if (missingGroup) throw notFound(`Group ${missingGroup}`);
  const bound = audience.patientIds.length + audience.contactIds.length + groups.reduce((n, g) => n + g.memberCount, 0);
  if (bound > MAX_AUDIENCE) {
    throw new DomainError('audience_too_large', `A broadcast reaches at most ${MAX_AUDIENCE.toLocaleString('en-US')} people; this audience counts up to ${bound.toLocaleString('en-US')}.`, {
      data: { limit: MAX_AUDIENCE, audience: bound },
    });
  }
  const named: MemberRef[] = [
    ...audience.patientIds.map((id) => ({ type: 'patient' as const, id })),
    ...audience.contactIds.map((id) => ({ type: 'contact' as const, id })),
  ];
  if (named.length) {
    const found = await dir.existing(practiceId, named);
    const missing = named.find((r) => !found.has(`${r.type}#${r.id}`));
    if (missing) throw notFound(`${missing.type === 'patient' ? 'Patient' : 'Contact'} ${missing.id}`);
  }
  return bound;
}

/**
 * Everyone in the audience, each once, page by page: the named people first, then each group's
 * members as their pages are read (someone already seen is left out of a later page).
 */
export async function* audiencePages(dir: AudienceDirectory, practiceId: string, audience: Audience): AsyncIterable<MemberRef[]> {
  const seen = new Set<string>();
  const fresh = (refs: readonly MemberRef[]) =>
    refs.filter((r) => {
      const k = `${r.type}#${r.id}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const named = fresh([...audience.patientIds.map((id) => ({ type: 'patient' as const, id })), ...audience.contactIds.map((id) => ({ type: 'contact' as const, id }))]);
  if (named.length) yield named;
  for (const groupId of audience.groupIds) {
    for await (const page of dir.memberPages(practiceId, groupId)) {
      const refs = fresh(page);
      if (refs.length) yield refs;
    }
  }
}

/** Everyone in the audience, each once: named people first, then each group's members. */
export async function expandAudience(dir: AudienceDirectory, practiceId: string, audience: Audience): Promise<MemberRef[]> {
  const out: MemberRef[] = [];
  for await (const page of audiencePages(dir, practiceId, audience)) out.push(...page);
  return out;
}

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
