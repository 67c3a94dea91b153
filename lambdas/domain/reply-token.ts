/**
 * The `+<token>` of the `Reply-To` address outbound email carries (`<local>+<token>@<domain>` on
 * the practice's first inbound address), which threads an answer back into its conversation.
 * The token is the conversation id (a ULID: 80 random bits, unguessable enough; no PHI), written
 * in lower case because addresses are lower-cased on the way in. Resolving it to a conversation
 * of the routed practice (and checking the sender) is the inbound use case's job.
 */

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The token for a conversation; null when the id is not a ULID (no token then: the answer threads by In-Reply-To). */
export function replyTokenFor(conversationId: string): string | null {
  return ULID.test(conversationId.toUpperCase()) ? conversationId.toLowerCase() : null;
}

/** The conversation id a token names, or null when it cannot be one. */
export function conversationForReplyToken(token: string): string | null {
  const id = token.trim().toUpperCase();
  return ULID.test(id) ? id : null;
}

/** `Reply-To` for a conversation on an inbound address: `local+token@domain` (the address itself without a token). */
export function replyToAddress(inboundAddress: string, conversationId: string): string {
  const at = inboundAddress.lastIndexOf('@');
  const token = replyTokenFor(conversationId);
  if (at < 1 || !token) return inboundAddress;
  const local = inboundAddress.slice(0, at).split('+')[0];
  return `${local}+${token}${inboundAddress.slice(at)}`;
}

/** `local+token@domain` → the address routing looks up (`local@domain`) and the token, if any. */
export function splitReplyToken(address: string): { address: string; replyToken?: string } {
  const value = address.trim().toLowerCase();
  const at = value.lastIndexOf('@');
  if (at < 1) return { address: value };
  const local = value.slice(0, at);
  const plus = local.indexOf('+');
  if (plus < 0) return { address: value };
  const token = local.slice(plus + 1);
  return { address: `${local.slice(0, plus)}${value.slice(at)}`, ...(token ? { replyToken: token } : {}) };
}
