/** Blocking addresses: one from settings, a patient's saved methods, a conversation's senders. */
import { requirePermission, type Caller } from '../../domain/caller.js';
import { conflict, notFound, validationFailed } from '../../domain/errors.js';
import type { PatientRecord } from '../directory-ports.js';
import { blockAddress, blockView, followBlocks, normalizeAddress, ownedAddresses, type BlockDeps, type BlockOptions, type BlockOutcome, type BlockView } from './block-address.js';
import type { AddressType, BlockRecord, Person } from './ports.js';

// ------------------------------------------------------------------ POST /v1/blocks

export async function createBlock(
  deps: BlockDeps,
  caller: Caller,
  input: BlockOptions & { type: AddressType; value: string; patientId?: string | undefined },
): Promise<BlockView> {
  requirePermission(caller, 'manage_contacts');
  const { defaultRegion } = await deps.directory.getSettings(caller.practiceId);
  const value = normalizeAddress(input.type, input.value, defaultRegion);
  let patient: Person | undefined;
  if (input.patientId) {
    const p = await deps.directory.getPatient(caller.practiceId, input.patientId);
    if (!p) throw notFound('Patient');
    patient = { id: p.id, name: p.name };
  }
  const outcome = await blockAddress(deps, caller, { type: input.type, value }, { ...input, patient });
  if (outcome.status === 'already_blocked') {
    throw conflict('already_blocked', 'This address is already blocked.', { existingBlockId: outcome.existingBlockId });
  }
  await followBlocks(deps, caller, [outcome.block]);
  return blockView(outcome.block);
}

// ------------------------------------------------------------------ POST /v1/patients/{id}/blocks

export type PatientMethod = 'email' | 'phone' | 'whatsapp';

export async function blockPatientMethods(
  deps: BlockDeps,
  caller: Caller,
  patientId: string,
  input: BlockOptions & { contactMethods: PatientMethod[] },
) {
  requirePermission(caller, 'manage_contacts');
  const p = await deps.directory.getPatient(caller.practiceId, patientId);
  if (!p) throw notFound('Patient');
  const methods = [...new Set(input.contactMethods)];
  const missing = methods.filter((m) => !p[m]);
  if (missing.length > 0) {
    throw validationFailed(
      missing.map((m) => ({ path: `contactMethods.${input.contactMethods.indexOf(m)}`, message: `The patient has no ${m} on file` })),
    );
  }
  const addresses = new Map<string, { type: AddressType; value: string }>();
  for (const m of methods) {
    const type: AddressType = m === 'email' ? 'email' : 'phone';
    addresses.set(`${type}:${p[m]}`, { type, value: p[m] as string });
  }
  const outcomes: BlockOutcome[] = [];
  for (const a of addresses.values()) {
    outcomes.push(await blockAddress(deps, caller, a, { ...input, patient: { id: p.id, name: p.name } }));
  }
  await followBlocks(deps, caller, outcomes.flatMap((o) => (o.status === 'blocked' ? [o.block] : [])));
  return outcomesView(outcomes);
}

const outcomesView = (outcomes: BlockOutcome[]) => ({
  blocks: outcomes.filter((o) => o.status === 'blocked').map((o) => blockView((o as { block: BlockRecord }).block)),
  alreadyBlocked: outcomes
    .filter((o): o is Extract<BlockOutcome, { status: 'already_blocked' }> => o.status === 'already_blocked')
    .map(({ type, value, existingBlockId }) => ({ type, value, existingBlockId })),
});

// ------------------------------------------------------------------ POST /v1/blocks/from-conversations

/** The addresses a conversation's external senders use on its channel (portal: what is on file). */
function senderAddresses(channel: string, p: PatientRecord): { type: AddressType; value: string }[] {
  if (channel === 'email') return ownedAddresses({ email: p.email, phones: [] });
  if (channel === 'sms') return ownedAddresses({ email: null, phones: [p.phone] });
  if (channel === 'whatsapp') return ownedAddresses({ email: null, phones: [p.whatsapp ?? p.phone] });
  if (channel === 'portal' || channel === 'call') return ownedAddresses({ email: p.email, phones: [p.phone, p.whatsapp] });
  return [];
}

export async function blockFromConversations(
  deps: BlockDeps,
  caller: Caller,
  input: BlockOptions & { conversationIds: string[]; dryRun?: boolean | undefined },
) {
  requirePermission(caller, 'manage_contacts');
  const found: { conversationId: string; type: AddressType; value: string; patient: Person }[] = [];
  for (const conversationId of [...new Set(input.conversationIds)]) {
    const c = await deps.conversations.get(caller.practiceId, conversationId);
    if (!c) throw notFound(`Conversation ${conversationId}`);
    const patientIds = c.participants.filter((p) => p.type === 'patient').map((p) => p.id);
    for (const p of await deps.directory.getPatients(caller.practiceId, patientIds)) {
      for (const a of senderAddresses(c.channel, p)) {
        if (!found.some((f) => f.type === a.type && f.value === a.value)) {
          found.push({ conversationId, ...a, patient: { id: p.id, name: p.name } });
        }
      }
    }
  }
  const active = await deps.blocks.activeAmong(caller.practiceId, found);
  const activeBy = new Map(active.map((a) => [`${a.type}:${a.value}`, a.blockId]));
  const items = [];
  for (const f of found) {
    const existing = activeBy.get(`${f.type}:${f.value}`);
    if (existing) {
      items.push({ ...f, status: 'already_blocked' as const, blockId: existing });
    } else if (input.dryRun) {
      items.push({ ...f, status: 'would_block' as const, blockId: null });
    } else {
      const outcome = await blockAddress(deps, caller, f, { ...input, patient: f.patient });
      items.push(
        outcome.status === 'blocked'
          ? { ...f, status: 'blocked' as const, blockId: outcome.block.id }
          : { ...f, status: 'already_blocked' as const, blockId: outcome.existingBlockId },
      );
    }
  }
  await followBlocks(deps, caller, items.filter((i) => i.status === 'blocked'));
  return { dryRun: input.dryRun ?? false, items };
}
