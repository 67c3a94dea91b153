/**
 * A recipient's conversation id in a broadcast: derived from the broadcast and the recipient
 * (a short hash of `type#id`), so the fan-out writes the same keys however often it runs.
 */
import { createHash } from 'node:crypto';

export const conversationIdOf = (broadcastId: string, r: { type: 'patient' | 'contact'; id: string }): string =>
  `${broadcastId}-${createHash('sha256').update(`${r.type}#${r.id}`).digest('hex').slice(0, 20)}`;

export const messageIdOf = (conversationId: string): string => `${conversationId}-m`;
