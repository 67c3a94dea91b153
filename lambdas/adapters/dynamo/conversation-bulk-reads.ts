/**
 * Bulk actions' reads: the conversations and one party's states in them, by key, in
 * BatchGetItem calls of 100 keys (100 ids: two calls). A conversation being deleted is left out.
 */
import type { ConversationBulkReads } from '../../use-cases/conversations/bulk.js';
import type { ConversationRecord, PartyRef, StateRecord } from '../../use-cases/conversations/ports.js';
import { batchGetAll } from './client.js';
import { conversationFrom, stateFrom } from './conversation-items.js';
import { keys } from './keys.js';

export const conversationBulkReads: ConversationBulkReads = {
  async read(practiceId: string, ids: readonly string[], party: PartyRef) {
    const unique = [...new Set(ids)];
    const items = await batchGetAll([
      ...unique.map((id) => keys.conversation(practiceId, id)),
      ...unique.map((id) => keys.participantState(practiceId, id, party.type, party.id)),
    ]);
    const conversations = new Map<string, ConversationRecord>();
    const states = new Map<string, StateRecord>();
    for (const item of items) {
      if (item['sk'] === 'META') {
        if (!item['deletingAt']) conversations.set(item['id'] as string, conversationFrom(item));
      } else {
        const state = stateFrom(item);
        states.set(state.conversationId, state);
      }
    }
    return { conversations, states };
  },
};
