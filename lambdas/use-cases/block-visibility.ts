/**
 * hideExisting, applied in the background off the table's stream: when a block starts or stops
 * hiding, the existing messages of its address are hidden from (or shown again in) staff inboxes
 * and the patient's correspondence. Marks are a set of block ids per item, so running the same
 * change twice is harmless and two blocks hiding one message do not undo each other.
 */
import type { Channel } from '../domain/conversation-policy.js';
import type { BlockRecord } from './blocks/ports.js';
import type { CorrespondenceRepository } from './conversations/ports.js';
import type { DirectoryReader, PatientRecord } from './directory-ports.js';

export interface VisibilityDeps {
  conversations: CorrespondenceRepository;
  directory: DirectoryReader;
}

/** One change of a block, as the table's stream reports it: the block before (null when new) and after. */
export interface BlockChange {
  practiceId: string;
  before: BlockRecord | null;
  after: BlockRecord;
}

export const hides = (b: Pick<BlockRecord, 'status' | 'hideExisting'> | null): boolean =>
  b !== null && b.status === 'active' && b.hideExisting;

/** The channels on which a patient is reached at this address. */
export function channelsOfAddress(p: PatientRecord, block: Pick<BlockRecord, 'type' | 'value'>): Channel[] {
  if (block.type === 'email') return p.email === block.value ? ['email'] : [];
  const out: Channel[] = [];
  if (p.phone === block.value) out.push('sms');
  if ((p.whatsapp ?? p.phone) === block.value) out.push('whatsapp');
  return out;
}

export async function applyBlockVisibility(
  deps: VisibilityDeps,
  { practiceId, before, after }: BlockChange,
): Promise<'hidden' | 'shown' | 'unchanged'> {
  const wasHiding = hides(before);
  const isHiding = hides(after);
  if (wasHiding === isHiding) return 'unchanged';
  const owners = await deps.directory.addressOwners(practiceId, after.type, after.value);
  const patientIds = new Set(owners.filter((o) => o.ownerType === 'patient').map((o) => o.ownerId));
  if (after.patient) patientIds.add(after.patient.id);
  for (const patient of await deps.directory.getPatients(practiceId, [...patientIds])) {
    const channels = channelsOfAddress(patient, after);
    if (channels.length === 0) continue;
    const pointers = (await deps.conversations.correspondencePointers(practiceId, patient.id)).filter((p) => channels.includes(p.channel));
    await deps.conversations.setHiddenBy(practiceId, patient.id, pointers, after.id, isHiding);
  }
  return isHiding ? 'hidden' : 'shown';
}
