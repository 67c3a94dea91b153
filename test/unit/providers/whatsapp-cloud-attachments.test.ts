import { describe, expect, it, vi } from 'vitest';
import { WhatsAppCloudSender } from '../../../lambdas/adapters/providers/whatsapp-cloud.js';
import type { AttachmentBytes, OutboundMessage } from '../../../lambdas/use-cases/provider-ports.js';

const pdf = new TextEncoder().encode('%PDF-1.4 plan');
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const files: AttachmentBytes = {
  read: async (key) => {
    if (key === 'files/p/pdf') return pdf;
    if (key === 'files/p/jpg') return jpeg;
    throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
  },
};

const message: OutboundMessage = {
  deliveryId: 'DLV#1',
  practiceId: 'p',
  channel: 'whatsapp',
  to: '+15555550123',
  text: 'Your care plan and a photo.',
  attachments: [
    { id: 'a1', fileName: 'plan.pdf', contentType: 'application/pdf', size: pdf.byteLength, key: 'files/p/pdf' },
    { id: 'a2', fileName: 'wound.jpg', contentType: 'image/jpeg', size: jpeg.byteLength, key: 'files/p/jpg' },
  ],
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function setup(responses: Response[]) {
  const queue = [...responses];
  const fetchMock = vi.fn<typeof fetch>(async () => {
    const next = queue.shift();
    if (!next) throw new Error('unexpected fetch');
    return next;
  });
  const sender = new WhatsAppCloudSender({ phoneNumberId: '1065', accessToken: async () => 'tok', fetch: fetchMock, files });
  return { sender, fetchMock };
}

describe('Provider: WhatsApp Cloud API media', () => {
  it('uploads each file first (multipart, type and name), then sends the text and one media message per file by media id', async () => {
    const { sender, fetchMock } = setup([
      json(200, { id: 'media-1' }),
      json(200, { id: 'media-2' }),
      json(200, { messages: [{ id: 'wamid.text' }] }),
      json(200, { messages: [{ id: 'wamid.doc' }] }),
      json(200, { messages: [{ id: 'wamid.img' }] }),
    ]);
    expect(await sender.send({ ...message, from: '2077' })).toEqual({ ok: true, providerMessageId: 'wamid.text' });
    const calls = fetchMock.mock.calls.map(([url, init]) => ({ url: String(url), init: init! }));
    expect(calls.map((c) => c.url)).toEqual([
      'https://graph.facebook.com/v21.0/2077/media',
      'https://graph.facebook.com/v21.0/2077/media',
      'https://graph.facebook.com/v21.0/2077/messages',
      'https://graph.facebook.com/v21.0/2077/messages',
      'https://graph.facebook.com/v21.0/2077/messages',
    ]);
    const upload = calls[0]!.init.body as FormData;
    expect(upload.get('messaging_product')).toBe('whatsapp');
    expect(upload.get('type')).toBe('application/pdf');
    const file = upload.get('file') as File;
    expect(file.name).toBe('plan.pdf');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(pdf);
    expect(calls[0]!.init.headers).toEqual({ Authorization: 'Bearer tok' });
    expect(JSON.parse(String(calls[2]!.init.body))).toMatchObject({ type: 'text', text: { body: 'Your care plan and a photo.' } });
    expect(JSON.parse(String(calls[3]!.init.body))).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '15555550123',
      type: 'document',
      document: { id: 'media-1', filename: 'plan.pdf' },
    });
    expect(JSON.parse(String(calls[4]!.init.body))).toMatchObject({ type: 'image', image: { id: 'media-2' } });
  });

  it('a failed upload sends nothing (the delivery may be tried again)', async () => {
    const { sender, fetchMock } = setup([json(500, { error: { code: 131000 } })]);
    expect(await sender.send(message)).toEqual({ ok: false, retryable: true, reason: 'whatsapp_131000_something_went_wrong' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('a media message refused after the text was accepted ends unknown, never re-sent', async () => {
    const { sender } = setup([
      json(200, { id: 'media-1' }),
      json(200, { id: 'media-2' }),
      json(200, { messages: [{ id: 'wamid.text' }] }),
      json(400, { error: { code: 131051 } }),
    ]);
    expect(await sender.send(message)).toEqual({ ok: false, retryable: false, ambiguous: true, reason: 'whatsapp_partial_send_whatsapp_131051_unsupported_message_type' });
  });

  it('a type WhatsApp cannot carry, or a missing file, is refused before any call', async () => {
    const { sender, fetchMock } = setup([]);
    const gif = { ...message, attachments: [{ id: 'g', fileName: 'a.gif', contentType: 'image/gif', size: 10, key: 'files/p/gif' }] };
    expect(await sender.send(gif)).toEqual({ ok: false, retryable: false, reason: 'whatsapp_unsupported_media' });
    const gone = { ...message, attachments: [{ ...message.attachments![0]!, key: 'files/p/gone' }] };
    expect(await sender.send(gone)).toEqual({ ok: false, retryable: false, reason: 'attachment_missing' });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
