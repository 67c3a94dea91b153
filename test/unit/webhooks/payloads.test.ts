import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSesMessage } from '../../../lambdas/adapters/webhooks/ses-notifications.js';
import { formParams } from '../../../lambdas/adapters/webhooks/twilio-signature.js';
import { parseTwilio } from '../../../lambdas/adapters/webhooks/twilio-payload.js';
import { parseWhatsApp } from '../../../lambdas/adapters/webhooks/whatsapp-payload.js';
import { parseEum } from '../../../lambdas/adapters/webhooks/eum-payload.js';
import { htmlToText, parseInboundMime } from '../../../lambdas/adapters/webhooks/mime-message.js';
import { intake } from '../../../lambdas/adapters/webhooks/intake.js';
import { countingWebhookMetrics } from '../../../lambdas/adapters/webhooks/webhook-metrics.js';
import type { DeliveryReceiptEvent, InboundMessageEvent } from '../../../lambdas/use-cases/inbound/events.js';

const DIR = join(import.meta.dirname, '../../fixtures/webhooks');
const text = (name: string) => readFileSync(join(DIR, name), 'utf8');
const json = (name: string) => JSON.parse(text(name));
const noObject = async () => {
  throw new Error('no S3 here');
};
const NOW = '2026-11-30T20:00:00.000Z';

describe('SES inbound email (SNS action)', () => {
  it.each(['sns-notification-ses-inbound.json', 'sns-notification-ses-inbound-base64.json', 'sns-notification-ses-inbound-docexact.json'])(
    '%s parses into one email to its recipient',
    async (name) => {
      const out = await parseSesMessage(json(name).Message, noObject);
      expect(out.messages).toHaveLength(1);
      const [draft] = out.messages;
      expect(draft!.destinations).toEqual([{ kind: 'email', value: 'recipient@example.com' }]);
      expect(draft!.message).toMatchObject({
        channel: 'email',
        provider: 'ses',
        providerMessageId: 'd6iitobk75ur44p8kdnnp7g2n800',
        from: 'sender@example.com',
        subject: 'Example subject',
        text: 'Example content',
        receivedAt: '2015-09-11T20:32:33.936Z',
      });
    },
  );

  it('reads the S3 action object, takes the HTML as text when there is no text part, threads by In-Reply-To/References, keeps files', async () => {
    const mime = [
      'From: "A Patient" <Patient@Example.com>',
      'To: replies+01jabcdefghjkmnpqrstvwxyz0@clinic.example.com',
      'Subject: Re: hello',
      'In-Reply-To: <0100abc@email.amazonses.com>',
      'References: <first@x> <0100abc@email.amazonses.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hi &amp; thanks</p><script>alert(1)</script><div>See you</div>',
      '--b',
      'Content-Type: application/pdf; name="x.pdf"',
      'Content-Disposition: attachment; filename="x.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4').toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    const message = JSON.stringify({
      notificationType: 'Received',
      receipt: { timestamp: NOW, recipients: ['replies+01jabcdefghjkmnpqrstvwxyz0@clinic.example.com'], action: { type: 'S3', bucketName: 'in', objectKey: 'k' } },
      mail: { messageId: 'm-1', source: 'bounce@example.com' },
    });
    const asked: string[] = [];
    const out = await parseSesMessage(message, async (b, k) => (asked.push(`${b}/${k}`), Buffer.from(mime)));
    expect(asked).toEqual(['in/k']);
    const m = out.messages[0]!.message;
    expect(m.from).toBe('patient@example.com');
    expect(m.text).toBe('Hi & thanks\n\nSee you');
    expect(m.inReplyTo).toEqual(['0100abc@email.amazonses.com', 'first@x']);
    expect(m.files).toHaveLength(1);
    expect(m.files[0]).toMatchObject({ fileName: 'x.pdf', contentType: 'application/pdf', size: 8 });
    expect(Buffer.from((await m.files[0]!.load())!).toString()).toBe('%PDF-1.4');
  });

  it('turns HTML into text without tags or scripts', () => {
    expect(htmlToText('<b>a</b>&lt;b&gt;<style>x{}</style><br>c')).toBe('a<b>\nc');
  });

  it('parses a plain MIME with no From as having no sender', async () => {
    expect((await parseInboundMime(Buffer.from('Subject: x\r\n\r\nbody'))).from).toBeNull();
  });
});

describe('SES receipts (eventType and notificationType shapes)', () => {
  const tagged = (name: string, how: 'tag' | 'header' | 'none') => {
    const m = json(name);
    if (how === 'tag') m.mail.tags = { ...(m.mail.tags ?? {}), practice: ['p-1'] };
    if (how === 'header') m.mail.headers = [...(m.mail.headers ?? []), { name: 'X-Practice-Id', value: 'p-2' }];
    return JSON.stringify(m);
  };
  it.each([
    ['ses-delivery.json', 'delivered'],
    ['ses-event-delivery.json', 'delivered'],
    ['ses-bounce.json', 'bounced'],
    ['ses-event-bounce.json', 'bounced'],
    ['ses-complaint.json', 'complained'],
    ['ses-event-complaint.json', 'complained'],
  ])('%s → %s, practice from the message tag', async (name, status) => {
    const out = await parseSesMessage(tagged(name, 'tag'), noObject);
    expect(out.receipts).toHaveLength(1);
    const r = out.receipts[0]!.receipt;
    expect(r).toMatchObject({ provider: 'ses', channel: 'email', status, practiceId: 'p-1', providerMessageId: json(name).mail.messageId });
    expect(r.recipients!.length).toBeGreaterThan(0);
  });

  it('a permanent bounce says so; the practice may come from the X-Practice-Id header; none → skipped and counted', async () => {
    const bounce = (await parseSesMessage(tagged('ses-event-bounce.json', 'header'), noObject)).receipts[0]!.receipt;
    expect(bounce).toMatchObject({ practiceId: 'p-2', permanent: true, recipients: ['recipient@example.com'], errorCode: 'ses_permanent_general' });
    const none = await parseSesMessage(tagged('ses-delivery.json', 'none'), noObject);
    expect(none).toEqual({ messages: [], receipts: [], unattributed: 1 });
  });
});

describe('Twilio', () => {
  const media = { fetch: (async () => new Response(new Uint8Array([1, 2, 3]))) as unknown as typeof fetch, authToken: 't' };
  it('parses the inbound SMS fixture', () => {
    const out = parseTwilio(formParams(text('twilio-inbound-sms.txt').trim()), media, NOW);
    expect(out.messages[0]).toMatchObject({
      destinations: [{ kind: 'sms', value: '+15555550100' }],
      message: { channel: 'sms', provider: 'twilio', providerMessageId: 'SM0123456789abcdef0123456789abcdef', from: '+15555550101', text: 'Hi, can I move my appointment to Friday?', files: [] },
    });
  });

  it('parses the MMS fixture; its media is fetched from Twilio with basic auth, nowhere else', async () => {
    const calls: { url: string; auth: string | null }[] = [];
    const fetchSpy = (async (url: URL, init: RequestInit) => {
      calls.push({ url: String(url), auth: new Headers(init.headers).get('authorization') });
      return new Response(new Uint8Array([9, 9]));
    }) as unknown as typeof fetch;
    const out = parseTwilio(formParams(text('twilio-inbound-mms.txt').trim()), { fetch: fetchSpy, authToken: 'tok' }, NOW);
    const file = out.messages[0]!.message.files[0]!;
    expect(file.contentType).toBe('image/jpeg');
    expect(Array.from((await file.load())!)).toEqual([9, 9]);
    expect(calls[0]!.url).toMatch(/^https:\/\/api\.twilio\.com\//);
    expect(calls[0]!.auth).toBe(`Basic ${Buffer.from('ACfedcba9876543210fedcba9876543210:tok').toString('base64')}`);
    const evil = parseTwilio([['MessageSid', 'MM1'], ['From', '+15555550101'], ['To', '+15555550100'], ['NumMedia', '1'], ['MediaUrl0', 'https://evil.example/x']], { fetch: fetchSpy, authToken: 'tok' }, NOW);
    expect(await evil.messages[0]!.message.files[0]!.load()).toBeNull();
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
  ])('a status callback %s → receipt %s, routed by our number (From), ErrorCode → twilio_<code>', (status, expected) => {
    const out = parseTwilio([['MessageSid', 'SM1'], ['MessageStatus', status], ['From', '+15555550100'], ['To', '+15555550101'], ['ErrorCode', '30006']], media, NOW);
    expect(out.receipts).toEqual([
      { destination: { kind: 'sms', value: '+15555550100' }, receipt: { provider: 'twilio', channel: 'sms', providerMessageId: 'SM1', status: expected, at: NOW, errorCode: 'twilio_30006' } },
    ]);
  });
});

describe('WhatsApp', () => {
  it('parses the text fixture', () => {
    const out = parseWhatsApp(json('whatsapp-inbound-text.json'), async () => null, NOW);
    expect(out.messages).toHaveLength(1);
    expect(out.messages[0]!.destinations).toEqual([{ kind: 'whatsapp', value: json('whatsapp-inbound-text.json').entry[0].changes[0].value.metadata.phone_number_id }]);
    expect(out.messages[0]!.message.from).toMatch(/^\+\d+$/);
    expect(out.messages[0]!.message.text.length).toBeGreaterThan(0);
  });

  it('parses the image fixture with its media fetched through the Graph media endpoint (and without image.url)', async () => {
    const asked: string[] = [];
    const body = json('whatsapp-inbound-image.json');
    delete body.entry[0].changes[0].value.messages[0].image.url;
    const out = parseWhatsApp(body, async (id) => (asked.push(id), new Uint8Array([7])), NOW);
    const m = out.messages[0]!.message;
    expect(m).toMatchObject({ text: 'Taj Mahal', providerMessageId: body.entry[0].changes[0].value.messages[0].id, receivedAt: new Date(1744344496000).toISOString() });
    expect(m.files[0]!.contentType).toBe('image/jpeg');
    expect(Array.from((await m.files[0]!.load())!)).toEqual([7]);
    expect(asked).toEqual(['1003383421387256']);
  });

  it.each([
    ['whatsapp-status-sent.json', 'sent', undefined],
    ['whatsapp-status-delivered.json', 'delivered', undefined],
    ['whatsapp-status-failed.json', 'failed', 'whatsapp_131049'],
  ])('%s → receipt %s', (name, status, errorCode) => {
    const out = parseWhatsApp(json(name), async () => null, NOW);
    expect(out.receipts).toHaveLength(1);
    expect(out.receipts[0]!.receipt.status).toBe(status);
    expect(out.receipts[0]!.receipt.errorCode).toBe(errorCode);
  });

  it('a read status is a receipt too', () => {
    const body = json('whatsapp-status-delivered.json');
    body.entry[0].changes[0].value.statuses[0].status = 'read';
    expect(parseWhatsApp(body, async () => null, NOW).receipts[0]!.receipt.status).toBe('read');
  });
});

describe('End User Messaging two-way SMS', () => {
  it('parses the fixture and its SNS envelope', () => {
    const out = parseEum(json('eum-sms-inbound.json'), NOW);
    expect(out.messages[0]).toMatchObject({
      destinations: [{ kind: 'sms', value: '+12125550101' }],
      message: { provider: 'eum', providerMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84', from: '+14255550182', text: 'EXAMPLE' },
    });
    expect(parseEum(JSON.parse(json('eum-sms-inbound-sns-notification.json').Message), NOW).messages).toHaveLength(1);
  });
});

describe('intake', () => {
  const sinkOf = () => {
    const messages: InboundMessageEvent[] = [];
    const receipts: DeliveryReceiptEvent[] = [];
    return { messages, receipts, sink: { message: async (e: InboundMessageEvent) => (messages.push(e), { stored: true }), receipt: async (e: DeliveryReceiptEvent) => void receipts.push(e) } };
  };

  it('hands an email to the practice holding its address, with the +token as the reply token', async () => {
    const { messages, sink } = sinkOf();
    const metrics = countingWebhookMetrics();
    const route = async (kind: string, value: string) =>
      kind === 'email' && value.startsWith('replies+') ? { practiceId: 'p-1', address: 'replies@clinic.example.com', replyToken: 'tok' } : null;
    const parsed = await parseSesMessage(json('sns-notification-ses-inbound.json').Message, noObject);
    parsed.messages[0]!.destinations = [{ kind: 'email', value: 'nobody@x.example' }, { kind: 'email', value: 'replies+tok@clinic.example.com' }];
    expect(await intake({ sink, route, metrics }, parsed)).toEqual({ stored: 1, unrouted: 0 });
    expect(messages[0]).toMatchObject({ practiceId: 'p-1', to: 'replies@clinic.example.com', replyToken: 'tok' });
  });

  it('stores nothing for a destination no practice holds, and counts it', async () => {
    const { messages, receipts, sink } = sinkOf();
    const metrics = countingWebhookMetrics();
    const parsed = parseTwilio(formParams(text('twilio-inbound-sms.txt').trim()), { fetch, authToken: 't' }, NOW);
    parsed.receipts.push({ destination: { kind: 'sms', value: '+15555550100' }, receipt: { provider: 'twilio', channel: 'sms', providerMessageId: 'x', status: 'sent', at: NOW } });
    expect(await intake({ sink, route: async () => null, metrics }, parsed)).toEqual({ stored: 0, unrouted: 2 });
    expect(messages).toEqual([]);
    expect(receipts).toEqual([]);
    expect(metrics.counts.get('unknown_destination')).toBe(2);
  });
});
