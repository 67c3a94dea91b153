/**
 * Which practice a webhook's destination belongs to: one GetItem of the destination's claim.
 * An email recipient's `+<token>` is ignored for the lookup and returned as the reply token.
 */
import { splitReplyToken } from '../../domain/reply-token.js';
import type { ChannelKind, ChannelSettingsStore } from './channel-ports.js';

export interface RoutedDestination {
  practiceId: string;
  /** The destination as the practice holds it (an email without its `+token`). */
  address: string;
  replyToken?: string;
}

export type DestinationRouter = (kind: ChannelKind, value: string) => Promise<RoutedDestination | null>;

export function practiceForDestination(store: Pick<ChannelSettingsStore, 'holder'>): DestinationRouter {
  return async (kind, value) => {
    if (kind === 'email') {
      const { address, replyToken } = splitReplyToken(value);
      const practiceId = await store.holder('email', address);
      return practiceId ? { practiceId, address, ...(replyToken ? { replyToken } : {}) } : null;
    }
    const practiceId = await store.holder(kind, value.trim());
    return practiceId ? { practiceId, address: value.trim() } : null;
  };
}
