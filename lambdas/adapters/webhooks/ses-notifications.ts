/**
 * SES payloads carried in an SNS `Message`: an inbound email (`notificationType: Received`; the
 * raw MIME inline with `encoding` UTF8, BASE64 or absent, or in S3 when the receipt action was
 * S3) and delivery receipts (`eventType` or `notificationType`: Delivery, Bounce, Complaint).
 */
import * as z from 'zod/mini';
import type { DeliveryReceiptEvent } from '../../use-cases/inbound/events.js';
import { nothingParsed, type ParsedWebhook } from './drafts.js';
import { parseInboundMime } from './mime-message.js';
import { normalizeEmail } from '../../domain/contact-address.js';

const Header = z.object({ name: z.string(), value: z.string() });
const Mail = z.object({
  messageId: z.string().check(z.minLength(1)),
  timestamp: z.optional(z.string()),
  source: z.optional(z.string()),
  headers: z.optional(z.array(Header)),
  tags: z.optional(z.record(z.string(), z.array(z.string()))),
});

const Received = z.object({
  notificationType: z.literal('Received'),
  receipt: z.object({
    timestamp: z.string(),
    recipients: z.array(z.string()).check(z.minLength(1)),
    action: z.object({
      type: z.string(),
      encoding: z.optional(z.string()),
      bucketName: z.optional(z.string()),
      objectKey: z.optional(z.string()),
    }),
  }),
  mail: Mail,
  content: z.optional(z.string()),
});

const Recipient = z.object({ emailAddress: z.string() });
const Feedback = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: Mail,
  delivery: z.optional(z.object({ timestamp: z.optional(z.string()), recipients: z.optional(z.array(z.string())) })),
  bounce: z.optional(
    z.object({ bounceType: z.string(), bounceSubType: z.optional(z.string()), timestamp: z.optional(z.string()), bouncedRecipients: z.optional(z.array(Recipient)) }),
  ),
  complaint: z.optional(z.object({ timestamp: z.optional(z.string()), complainedRecipients: z.optional(z.array(Recipient)) })),
});

/** Reads the raw MIME of an S3-action receipt (bucket, key). */
export type ObjectLoader = (bucket: string, key: string) => Promise<Uint8Array>;

export type SesOutcome = ParsedWebhook & {
  /** Receipts that named no practice (no `practice` tag, no `X-Practice-Id` header): skipped and counted. */
  unattributed: number;
};

const emails = (list: readonly string[] | undefined) => (list ?? []).map((a) => normalizeEmail(a)).filter((a): a is string => a !== null);

/** The practice an SES receipt belongs to: the `practice` message tag, else the `X-Practice-Id` header our sender adds. */
function practiceOf(mail: z.infer<typeof Mail>): string | undefined {
  const tag = mail.tags?.['practice']?.[0];
  if (tag) return tag;
  return mail.headers?.find((h) => h.name.toLowerCase() === 'x-practice-id')?.value.trim() || undefined;
}

const code = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40);

function receiptOf(feedback: z.infer<typeof Feedback>): DeliveryReceiptEvent | null {
  const type = feedback.eventType ?? feedback.notificationType;
  const base = { provider: 'ses' as const, channel: 'email' as const, providerMessageId: feedback.mail.messageId };
  const practiceId = practiceOf(feedback.mail);
  const fallback = feedback.mail.timestamp ?? new Date().toISOString();
  const withPractice = practiceId ? { practiceId } : {};
  if (type === 'Delivery' && feedback.delivery) {
    return { ...base, ...withPractice, status: 'delivered', at: feedback.delivery.timestamp ?? fallback, recipients: emails(feedback.delivery.recipients) };
  }
  if (type === 'Bounce' && feedback.bounce) {
    const b = feedback.bounce;
    return {
      ...base,
      ...withPractice,
      status: 'bounced',
      at: b.timestamp ?? fallback,
      permanent: b.bounceType === 'Permanent',
      recipients: emails(b.bouncedRecipients?.map((r) => r.emailAddress)),
      errorCode: `ses_${code(b.bounceType)}${b.bounceSubType ? `_${code(b.bounceSubType)}` : ''}`,
    };
  }
  if (type === 'Complaint' && feedback.complaint) {
    const c = feedback.complaint;
    return { ...base, ...withPractice, status: 'complained', at: c.timestamp ?? fallback, recipients: emails(c.complainedRecipients?.map((r) => r.emailAddress)) };
  }
  return null;
}

/** Parses the SNS `Message` of the SES topics. Unknown shapes parse to nothing (acknowledged, counted by the caller). */
export async function parseSesMessage(message: string, loadObject: ObjectLoader): Promise<SesOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ...nothingParsed(), unattributed: 0 };
  }
  const received = Received.safeParse(json);
  if (received.success) {
    const { receipt, mail, content } = received.data;
    let raw: Uint8Array | null = null;
    if (content !== undefined) {
      raw = receipt.action.encoding?.toUpperCase() === 'BASE64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
    } else if (receipt.action.type === 'S3' && receipt.action.bucketName && receipt.action.objectKey) {
      raw = await loadObject(receipt.action.bucketName, receipt.action.objectKey);
    }
    if (!raw) return { ...nothingParsed(), unattributed: 0 };
    const parsed = await parseInboundMime(raw);
    const from = parsed.from ?? normalizeEmail(mail.source ?? '');
    if (!from) return { ...nothingParsed(), unattributed: 0 };
    return {
      messages: [
        {
          destinations: receipt.recipients.map((value) => ({ kind: 'email' as const, value })),
          message: {
            channel: 'email',
            provider: 'ses',
            providerMessageId: mail.messageId,
            from,
            receivedAt: receipt.timestamp,
            ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
            text: parsed.text,
            ...(parsed.inReplyTo.length > 0 ? { inReplyTo: parsed.inReplyTo } : {}),
            files: parsed.files,
          },
        },
      ],
      receipts: [],
      unattributed: 0,
    };
  }
  const feedback = Feedback.safeParse(json);
  if (feedback.success) {
    const receipt = receiptOf(feedback.data);
    if (!receipt) return { ...nothingParsed(), unattributed: 0 };
    if (!receipt.practiceId) return { ...nothingParsed(), unattributed: 1 };
    return { messages: [], receipts: [{ receipt }], unattributed: 0 };
  }
  return { ...nothingParsed(), unattributed: 0 };
}
