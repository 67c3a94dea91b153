/**
 * What the local runtime handed to providers: email from the SES emulator's store, SMS and
 * WhatsApp from the local outbox the provider adapters write to when running locally.
 */
export interface OutboxEntry {
  channel: 'email' | 'sms' | 'whatsapp';
  to: string;
  subject?: string;
  body: string;
  providerMessageId: string;
  at: string;
  /** SMS / WhatsApp: the practice's number or phone-number id it went out from, when not the default. */
  from?: string;
  /** The files it carried (email MIME parts, WhatsApp media): name, type and size. */
  attachments?: { fileName: string; contentType: string; size: number }[];
}

import { localOutboxEntries } from '../../lambdas/adapters/providers/local-outbox.js';

interface SesStoredEmail {
  messageId: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments?: { filename?: string; contentType: string; size: number }[];
  at: number;
}

export async function readOutbox(sesEndpoint: string, filter: { channel?: string; to?: string }): Promise<OutboxEntry[]> {
  const res = await fetch(`${sesEndpoint}/store`);
  const store = (await res.json()) as { emails: SesStoredEmail[] };
  const emails: OutboxEntry[] = store.emails.flatMap((e) =>
    [...e.destination.to, ...e.destination.cc, ...e.destination.bcc].map((to) => ({
      channel: 'email' as const,
      to,
      subject: e.subject,
      body: e.body.text ?? e.body.html ?? '',
      providerMessageId: e.messageId,
      at: new Date(e.at * 1000).toISOString(),
      ...(e.attachments?.length
        ? { attachments: e.attachments.map((a) => ({ fileName: a.filename ?? '', contentType: a.contentType, size: a.size })) }
        : {}),
    })),
  );
  const local: OutboxEntry[] = localOutboxEntries().map(({ channel, to, from, body, providerMessageId, at, attachments }) => ({
    channel,
    to,
    ...(from ? { from } : {}),
    body,
    providerMessageId,
    at,
    ...(attachments ? { attachments } : {}),
  }));
  return [...emails, ...local]
    .filter((e) => (filter.channel ? e.channel === filter.channel : true))
    .filter((e) => (filter.to ? e.to.toLowerCase() === filter.to.toLowerCase() : true))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
