/**
 * Rich text through the HTTP API on the local runtime (API.md, Conversations and messages: Rich
 * text): an html body is sanitised before it is written; the message shows `html` and its text
 * as `body` to everyone who reads it; email carries both parts (read back from the SES
 * emulator's store, which parses what was sent); SMS carries the text. The OWASP filter-evasion
 * cases leave nothing outside the allow-list in the stored or the sent HTML, checked with an
 * HTML parser (test/fixtures/xss-cases.ts `violations`).
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type Actor, call, eventually, expectProblem, newPractice, outbox } from './api-client.js';
import { freshEmail, freshPhone, succeeded } from './fixtures.js';
import { messages, pt, reply, start, started } from './conversation-helpers.js';
import { violations, xssCases } from '../fixtures/xss-cases.js';

interface SentEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** Every email the SES emulator received for `to`. */
async function sentTo(to: string): Promise<SentEmail[]> {
  const res = await fetch(`${inject('endpoints').ses}/store`);
  const store = (await res.json()) as { emails: SentEmail[] };
  return store.emails.filter((e) => e.destination.to.some((a) => a.toLowerCase() === to.toLowerCase()));
}

const RICH =
  '<h2 style="color:red">Your treatment plan</h2><p onclick="steal()">Take <b>one</b> tablet <i>twice</i> a day &amp; rest.</p>' +
  '<ul><li>Drink water</li><li>Call <a href="https://clinic.example/call" target="_self">us</a></li></ul><script>alert(document.cookie)</script><img src=x onerror=alert(1)>';
const RICH_HTML =
  '<h2>Your treatment plan</h2><p>Take <b>one</b> tablet <i>twice</i> a day &amp; rest.</p>' +
  '<ul><li>Drink water</li><li>Call <a href="https://clinic.example/call" rel="noopener noreferrer" target="_blank">us</a></li></ul>';
const RICH_TEXT = 'Your treatment plan\n\nTake one tablet twice a day & rest.\n\n- Drink water\n- Call us (https://clinic.example/call)';

let receptionist: Actor;
let patient: Actor;
let email: string;
let p: Awaited<ReturnType<typeof newPractice>>;

beforeAll(async () => {
  p = await newPractice();
  receptionist = await p.staff('receptionist');
  email = freshEmail('rich');
  patient = await p.patient({ email });
});

const emailTo = (who: Actor, body: string, extra: Record<string, unknown> = {}) => ({
  channel: 'email',
  subject: 'Treatment plan',
  participants: [pt(who)],
  body,
  bodyFormat: 'html',
  ...extra,
});

describe('Rich text', () => {
  it('an html email is stored, answered and listed sanitised with its text, and sent with the sanitised HTML beside the text', async () => {
    const { conversation, message } = await started(receptionist.token, emailTo(patient, RICH));
    expect(message).toMatchObject({ bodyFormat: 'html', html: RICH_HTML, body: RICH_TEXT });

    const [listed] = await messages(receptionist.token, conversation.id);
    expect(listed).toMatchObject({ id: message.id, bodyFormat: 'html', html: RICH_HTML, body: RICH_TEXT });
    const [seenByPatient] = await messages(patient.token, conversation.id);
    expect(seenByPatient).toMatchObject({ bodyFormat: 'html', html: RICH_HTML, body: RICH_TEXT });

    const correspondence = await succeeded('correspondence', call('GET', `/v1/patients/${patient.id}/correspondence`, { token: receptionist.token }), 200);
    expect(correspondence.items.find((m: { id: string }) => m.id === message.id)).toMatchObject({ bodyFormat: 'html', html: RICH_HTML, body: RICH_TEXT });

    const mails = await eventually('the email', () => sentTo(email), (es) => es.some((e) => e.body.text?.trim() === RICH_TEXT));
    const mail = mails.find((e) => e.body.text?.trim() === RICH_TEXT)!;
    expect(mail.subject).toBe('Treatment plan');
    expect(mail.body.html?.trim()).toBe(RICH_HTML);
  });

  it('a reply takes bodyFormat html too', async () => {
    const { conversation } = await started(receptionist.token, emailTo(patient, '<p>First message of the thread</p>'));
    const res = await reply(receptionist.token, conversation.id, { body: RICH, bodyFormat: 'html' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ bodyFormat: 'html', html: RICH_HTML, body: RICH_TEXT });
    const listed = await messages(receptionist.token, conversation.id);
    expect(listed.map((m) => m.bodyFormat)).toEqual(['html', 'html']);
    expect(listed[1]).toMatchObject({ html: RICH_HTML, body: RICH_TEXT });
  });

  it('a text body is kept exactly as typed, markup-looking or not: bodyFormat text and no html', async () => {
    const body = 'Please bring <b>your card</b> & ID on Tuesday.';
    const { conversation, message } = await started(receptionist.token, emailTo(patient, body, { bodyFormat: undefined }));
    expect(message.bodyFormat).toBe('text');
    expect(message).not.toHaveProperty('html');
    const [listed] = await messages(receptionist.token, conversation.id);
    expect(listed).toMatchObject({ bodyFormat: 'text', body });
    expect(listed).not.toHaveProperty('html');
  });

  it('SMS carries the text of an html body', async () => {
    const phone = freshPhone();
    const smsPatient = await p.patient({ phone });
    const { message } = await started(receptionist.token, {
      channel: 'sms',
      participants: [pt(smsPatient)],
      body: '<p>See you at <b>3pm</b> &amp; bring <a href="https://clinic.example/form">the form</a></p><script>alert(1)</script>',
      bodyFormat: 'html',
    });
    const text = 'See you at 3pm & bring the form (https://clinic.example/form)';
    expect(message).toMatchObject({ bodyFormat: 'html', body: text });
    const [sms] = await eventually('the SMS', () => outbox('sms', phone), (m) => m.length > 0);
    expect(sms!.body).toBe(text);
  });

  it('WhatsApp carries the text of an html body', async () => {
    const phone = freshPhone();
    const waPatient = await p.patient({ phone, whatsapp: phone });
    const { message } = await started(receptionist.token, {
      channel: 'whatsapp',
      participants: [pt(waPatient)],
      body: '<p>Your <i>appointment</i> is <b>confirmed</b>.</p><img src=x onerror=alert(1)>',
      bodyFormat: 'html',
    });
    expect(message).toMatchObject({ bodyFormat: 'html', body: 'Your appointment is confirmed.' });
    const [wa] = await eventually('the WhatsApp message', () => outbox('whatsapp', phone), (m) => m.length > 0);
    expect(wa!.body).toBe('Your appointment is confirmed.');
  });

  it("a rich portal message's notification email carries none of its content, in neither part", async () => {
    const notifyEmail = freshEmail('rich.notify');
    const portalPatient = await p.patient({ email: notifyEmail });
    const secret = 'Biopsy result: benign';
    const { message } = await started(receptionist.token, {
      channel: 'portal',
      subject: 'Lab results',
      participants: [pt(portalPatient)],
      body: `<p><b>${secret}</b>, details inside.</p>`,
      bodyFormat: 'html',
    });
    expect(message).toMatchObject({ bodyFormat: 'html', html: `<p><b>${secret}</b>, details inside.</p>` });
    const [mail] = await eventually('the notification email', () => sentTo(notifyEmail), (es) => es.length > 0);
    expect(`${mail!.subject} ${mail!.body.text ?? ''} ${mail!.body.html ?? ''}`).not.toContain('Biopsy');
  });

  it('refuses, with 400 validation_failed and nothing written: HTML with no text once sanitised, over 50,000 characters, or under the email minimum in text', async () => {
    const before = await messagesOfInbox();
    for (const body of [
      '<img src=x onerror=alert(1)><script>alert(2)</script><iframe src="https://evil.example"></iframe>',
      `<p>${'a'.repeat(50_001)}</p>`,
      '<p><b><i><u><s>Hi there</s></u></i></b></p>',
    ]) {
      const res = await start(receptionist.token, emailTo(patient, body));
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body']);
    }
    const { conversation } = await started(receptionist.token, emailTo(patient, '<p>A thread to reply to</p>'));
    expectProblem(await reply(receptionist.token, conversation.id, { body: '<svg onload=alert(1)></svg>', bodyFormat: 'html' }), 400, 'validation_failed');
    expect(await messages(receptionist.token, conversation.id)).toHaveLength(1);
    expect(await messagesOfInbox()).toBe(before + 1);
  });

  it('a draft saved as html is sanitised when it is sent, as a new conversation and as a reply', async () => {
    const draft = await succeeded('draft', call('POST', '/v1/drafts', { token: receptionist.token, body: emailTo(patient, RICH) }), 201);
    expect(draft).toMatchObject({ bodyFormat: 'html', body: RICH });
    const sent = await succeeded('send draft', call('POST', `/v1/drafts/${draft.id}/send`, { token: receptionist.token }), 201);
    expect(sent.message).toMatchObject({ bodyFormat: 'html', html: RICH_HTML, body: RICH_TEXT });

    const replyDraft = await succeeded(
      'reply draft',
      call('POST', '/v1/drafts', { token: receptionist.token, body: { conversationId: sent.conversation.id, body: RICH, bodyFormat: 'html' } }),
      201,
    );
    const replySent = await succeeded('send reply draft', call('POST', `/v1/drafts/${replyDraft.id}/send`, { token: receptionist.token }), 201);
    expect(replySent).toMatchObject({ bodyFormat: 'html', html: RICH_HTML, body: RICH_TEXT });
    const listed = await messages(receptionist.token, sent.conversation.id);
    expect(listed.map((m) => m.html)).toEqual([RICH_HTML, RICH_HTML]);
  });

  it('refuses an unknown bodyFormat', async () => {
    expectProblem(await start(receptionist.token, emailTo(patient, '<p>Hello there, patient</p>', { bodyFormat: 'markdown' })), 400, 'validation_failed');
  });

  it('the OWASP filter-evasion cases leave nothing outside the allow-list in the stored or the sent HTML', { timeout: 180_000 }, async () => {
    const xssEmail = freshEmail('xss');
    const target = await p.patient({ email: xssEmail });
    // Raw control characters (NUL) never reach the sanitiser: the API refuses them in any text.
    const rawControls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
    const accepted = xssCases.filter((c) => !rawControls.test(c.html));
    expect(xssCases.length - accepted.length).toBeGreaterThan(0);
    // The worst cases together in the first message, then each case in a message of its own.
    const all = accepted.map((c, i) => `<p>Case ${i}</p>${c.html}`).join('');
    const { conversation } = await started(receptionist.token, emailTo(target, all));
    for (const [i, c] of xssCases.entries()) {
      const res = await reply(receptionist.token, conversation.id, { body: `<p>OWASP case ${i}</p>${c.html}`, bodyFormat: 'html' });
      if (rawControls.test(c.html)) {
        expectProblem(res, 400, 'validation_failed');
        continue;
      }
      expect(res.status, `${c.name}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(violations(res.body.html), c.name).toEqual([]);
    }

    const stored = await messages(receptionist.token, conversation.id);
    expect(stored).toHaveLength(accepted.length + 1);
    for (const m of stored) {
      expect(m.bodyFormat).toBe('html');
      expect(violations(m.html), m.body.slice(0, 40)).toEqual([]);
    }

    const sent = await eventually('every email', () => sentTo(xssEmail), (es) => es.length >= stored.length, 120_000);
    expect(sent).toHaveLength(stored.length);
    const storedHtml = new Set(stored.map((m) => m.html.trim()));
    for (const mail of sent) {
      expect(mail.body.html, mail.body.text?.slice(0, 40)).toBeDefined();
      expect(violations(mail.body.html!), mail.body.text?.slice(0, 40)).toEqual([]);
      expect(storedHtml.has(mail.body.html!.trim()), 'the sent HTML is a stored, sanitised one').toBe(true);
    }
  });
});

/** How many conversations the receptionist's inbox lists (first page of up to 100). */
async function messagesOfInbox(): Promise<number> {
  const body = await succeeded('inbox', call('GET', '/v1/conversations?limit=100', { token: receptionist.token }), 200);
  return body.items.length;
}
