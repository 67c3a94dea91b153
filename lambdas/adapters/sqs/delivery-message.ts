/**
 * The body of a delivery queue message: the delivery's key fields as JSON, ids only (no PHI).
 * A body that is not one is refused with an error that names no value.
 */
import * as z from 'zod/mini';
import type { DeliveryRef } from '../../use-cases/delivery-ports.js';

const id = z.string().check(z.minLength(1), z.maxLength(256));
const DeliveryMessage = z.strictObject({ practiceId: id, conversationId: id, sk: id });

export const encodeDeliveryRef = (ref: DeliveryRef): string =>
  JSON.stringify({ practiceId: ref.practiceId, conversationId: ref.conversationId, sk: ref.sk });

export function decodeDeliveryRef(body: string): DeliveryRef {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error('Malformed delivery queue message: not JSON');
  }
  const result = DeliveryMessage.safeParse(parsed);
  if (!result.success) throw new Error(`Malformed delivery queue message: ${result.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return result.data;
}
