/** AWS End User Messaging two-way SMS: the JSON its SNS topic carries (`originationNumber` → `destinationNumber`). */
import * as z from 'zod/mini';
import { e164, nothingParsed, type ParsedWebhook } from './drafts.js';

const EumInbound = z.object({
  originationNumber: z.string(),
  destinationNumber: z.string(),
  messageBody: z.optional(z.string()),
  inboundMessageId: z.string().check(z.minLength(1)),
  messageKeyword: z.optional(z.string()),
});

export function parseEum(body: unknown, now: string): ParsedWebhook {
  const parsed = EumInbound.safeParse(body);
  if (!parsed.success) return nothingParsed();
  const from = e164(parsed.data.originationNumber);
  const to = e164(parsed.data.destinationNumber);
  if (!from || !to) return nothingParsed();
  return {
    messages: [
      {
        destinations: [{ kind: 'sms', value: to }],
        message: { channel: 'sms', provider: 'eum', providerMessageId: parsed.data.inboundMessageId, from, receivedAt: now, text: parsed.data.messageBody ?? '', files: [] },
      },
    ],
    receipts: [],
  };
}
