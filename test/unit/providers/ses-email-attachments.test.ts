import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import PostalMime from 'postal-mime';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../../lambdas/adapters/providers/ses-email.js';
import type { AttachmentBytes, OutboundMessage } from '../../../lambdas/use-cases/provider-ports.js';

const ses = mockClient(SESv2Client);

const pdf = new TextEncoder().encode('%PDF-1.4 results');
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const bucket = new Map([
  ['files/practice-1/a1', pdf],
  ['files/practice-1/a2', png],
]);
const reads: string[] = [];
const files: AttachmentBytes = {
  read: async (key) => {
    reads.push(key);
    const bytes = bucket.get(key);
    if (!bytes) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return bytes;
  },
};

const message: OutboundMessage = {
  deliveryId: 'DLV#01JB#001',
  practiceId: 'practice-1',
  channel: 'email',
  to: 'pat@example.com',
  subject: 'Your results',
  text: 'Both files are attached.',
  replyTo: 'front-desk+t0k3n@in.practice.example',
  attachments: [
    { id: 'a1', fileName: 'results.pdf', contentType: 'application/pdf', size: pdf.byteLength, key: 'files/practice-1/a1' },
    { id: 'a2', fileName: 'x-ray é.png', contentType: 'image/png', size: png.byteLength, key: 'files/practice-1/a2' },
  ],
};

const sender = () => new SesEmailSender({ client: new SESv2Client({ region: 'us-east-1' }), fromAddress: 'noreply@practice.example', files });

async function sentMime() {
  const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
  const data = input.Content?.Raw?.Data as Uint8Array;
  return { input, mail: await PostalMime.parse(data), raw: new TextDecoder().decode(data) };
}

describe('Provider: SES v2 email with files or HTML (raw content)', () => {
  beforeEach(() => {
    ses.reset();
    reads.length = 0;
  });

  it('sends one raw message: the text, each file as an attachment part with its bytes, Reply-To, the practice header and tags', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'raw-1' });
    expect(await sender().send(message)).toEqual({ ok: true, providerMessageId: 'raw-1' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    const { input, mail, raw } = await sentMime();
    expect(input).toMatchObject({
      FromEmailAddress: 'noreply@practice.example',
      Destination: { ToAddresses: ['pat@example.com'] },
      EmailTags: [
        { Name: 'delivery_id', Value: 'DLV_01JB_001' },
        { Name: 'practice', Value: 'practice-1' },
      ],
    });
    expect(input.Content?.Simple).toBeUndefined();
    expect(input).not.toHaveProperty('ReplyToAddresses');
    expect(raw).toMatch(/^Content-Type: multipart\/mixed/m);
    expect(mail.subject).toBe('Your results');
    expect(mail.text?.trim()).toBe('Both files are attached.');
    expect(mail.replyTo?.[0]?.address).toBe('front-desk+t0k3n@in.practice.example');
    expect(mail.headers.find((h) => h.key === 'x-practice-id')?.value).toBe('practice-1');
    expect(mail.attachments.map((a) => ({ name: a.filename, type: a.mimeType, disposition: a.disposition, bytes: new Uint8Array(a.content as ArrayBuffer) }))).toEqual([
      { name: 'results.pdf', type: 'application/pdf', disposition: 'attachment', bytes: pdf },
      { name: 'x-ray é.png', type: 'image/png', disposition: 'attachment', bytes: png },
    ]);
    expect(reads).toEqual(['files/practice-1/a1', 'files/practice-1/a2']);
  });

  it('HTML without files: multipart/alternative with the text and the HTML', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'raw-2' });
    const { attachments: _files, ...plain } = message;
    await sender().send({ ...plain, html: '<p>Both <b>files</b></p>' });
    const { mail, raw } = await sentMime();
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(mail.html).toContain('<p>Both <b>files</b></p>');
    expect(mail.text?.trim()).toBe('Both files are attached.');
    expect(mail.attachments).toEqual([]);
  });

  it('files and HTML: multipart/mixed around multipart/alternative', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'raw-3' });
    await sender().send({ ...message, html: '<p>Both files</p>' });
    const { raw, mail } = await sentMime();
    expect(raw).toMatch(/^Content-Type: multipart\/mixed/m);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail.attachments).toHaveLength(2);
  });

  it('a file missing from the bucket fails permanently before SES is called; a read error is retried', async () => {
    const gone = { ...message, attachments: [{ ...message.attachments![0]!, key: 'files/practice-1/gone' }] };
    expect(await sender().send(gone)).toEqual({ ok: false, retryable: false, reason: 'attachment_missing' });
    const flaky = new SesEmailSender({
      client: new SESv2Client({ region: 'us-east-1' }),
      fromAddress: 'noreply@practice.example',
      files: { read: async () => Promise.reject(Object.assign(new Error('slow down'), { name: 'SlowDown' })) },
    });
    expect(await flaky.send(message)).toEqual({ ok: false, retryable: true, reason: 'attachment_read_failed' });
    expect(ses.calls()).toHaveLength(0);
  });

  it('a plain message stays Simple content and carries Reply-To as ReplyToAddresses', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 's-1' });
    const { attachments: _files, ...plain } = message;
    await sender().send(plain);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Content?.Raw).toBeUndefined();
    expect(input.Content?.Simple?.Headers).toEqual([{ Name: 'X-Practice-Id', Value: 'practice-1' }]);
    expect(input.ReplyToAddresses).toEqual(['front-desk+t0k3n@in.practice.example']);
    expect(reads).toEqual([]);
  });
});
