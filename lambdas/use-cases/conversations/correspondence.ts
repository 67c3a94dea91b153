/** A patient's correspondence: their messages across conversations, and the blocked contacts to remember. */
import { requireStaff, type Caller } from '../../domain/caller.js';
import type { BlockedContactView } from '../directory.js';
import type { PageRequest } from '../page.js';
import { assertMayIncludeHidden, requirePatient } from './facts.js';
import type { ConversationDeps } from './ports.js';
import { messageView, type MessageView } from './views.js';

export async function correspondence(
  deps: ConversationDeps,
  caller: Caller,
  patientId: string,
  page: PageRequest & { includeHidden?: boolean | undefined },
): Promise<{ items: MessageView[]; nextCursor: string | null; blockedContacts: BlockedContactView[] }> {
  requireStaff(caller);
  assertMayIncludeHidden(caller, page.includeHidden);
  const patient = await requirePatient(deps, caller, patientId);
  const [result, blockedContacts] = await Promise.all([
    deps.correspondence.correspondence(caller.practiceId, patientId, {
      limit: page.limit,
      cursor: page.cursor,
      includeHidden: page.includeHidden ?? false,
    }),
    deps.reminders.blockedContactsOf(caller.practiceId, patient),
  ]);
  return { items: result.items.map(messageView(caller)), nextCursor: result.nextCursor, blockedContacts };
}
