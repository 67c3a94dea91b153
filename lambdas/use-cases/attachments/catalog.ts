/**
 * The attachments a send may carry (the conversations' AttachmentCatalog port): only the
 * caller's own `ready` files, read in one BatchGetItem; and the mark a send writes before its
 * transaction, so the readers of the message can download them.
 */
import type { Caller } from '../../domain/caller.js';
import type { AttachedFile, AttachmentCatalog } from '../conversations/ports.js';
import type { AttachmentRepository } from './ports.js';

export function attachmentCatalog(attachments: AttachmentRepository): AttachmentCatalog {
  return {
    async readyFor(caller: Caller, ids: readonly string[]): Promise<Map<string, AttachedFile>> {
      const unique = [...new Set(ids)];
      const records = unique.length > 0 ? await attachments.getMany(caller.practiceId, unique) : [];
      const ready = new Map<string, AttachedFile>();
      for (const r of records) {
        if (r.status !== 'ready' || r.owner.type !== caller.kind || r.owner.id !== caller.id) continue;
        ready.set(r.id, { id: r.id, fileName: r.fileName, contentType: r.contentType, size: r.size ?? r.declaredSize, key: r.key });
      }
      return ready;
    },
    markAttached: (practiceId, ids, conversationId, messageId) =>
      ids.length > 0 ? attachments.markAttached(practiceId, [...new Set(ids)], conversationId, messageId) : Promise.resolve(),
  };
}
