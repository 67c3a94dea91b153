/**
 * Attachments through the HTTP API on the local runtime (API.md, Attachments): a real browser-style
 * upload (a multipart form POSTed to the presigned URL on s3rver), `complete` checking the object
 * where it landed, attaching to a start and a reply, downloading the same bytes; the refusals
 * (mislabelled, over 10 MB, never uploaded, too big for the channel, another patient, another
 * practice); and what reaches the providers (an email with both files, WhatsApp media, no file in
 * a portal notification).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, call, eventually, expectProblem, newPractice, outbox } from './api-client.js';
import { freshEmail, freshPhone, succeeded } from './fixtures.js';
import { messages, pt, reply, st, start, started } from './conversation-helpers.js';

const MAX = 10_485_760;
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/attachments/${name}`, import.meta.url)));
const PDF = fixture('report.pdf');
const PNG = fixture('dot.png');
const DOCX = fixture('referral.docx');
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A PDF of `size` bytes: a real PDF header, then padding. */
function pdfOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(PDF.subarray(0, Math.min(PDF.byteLength, size)));
  return bytes;
}

/** POST /v1/attachments; the answer must be 201. */
async function create(token: string, fileName: string, contentType: string, size: number) {
  return succeeded('create attachment', call('POST', '/v1/attachments', { token, body: { fileName, contentType, size } }), 201);
}

/** What a browser does with the presigned POST: every field, then the file, as multipart/form-data. */
async function postForm(upload: { url: string; fields: Record<string, string> }, bytes: Uint8Array, contentType: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType }), 'upload');
  const res = await fetch(upload.url, { method: 'POST', body: form });
  if (res.status >= 300) throw new Error(`upload: ${res.status} ${await res.text()}`);
}

const complete = (token: string, id: string) => call('POST', `/v1/attachments/${id}/complete`, { token });

/** Upload and complete; the completed answer. */
async function uploaded(token: string, fileName: string, contentType: string, bytes: Uint8Array) {
  const created = await create(token, fileName, contentType, Math.min(bytes.byteLength, MAX));
  await postForm(created.upload, bytes, contentType);
  return succeeded('complete', complete(token, created.id), 200);
}

async function download(token: string, id: string): Promise<Uint8Array> {
  const meta = await succeeded('get attachment', call('GET', `/v1/attachments/${id}`, { token }), 200);
  const res = await fetch(meta.downloadUrl);
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

let p: Awaited<ReturnType<typeof newPractice>>;
let receptionist: Actor;
let patient: Actor;
let otherPatient: Actor;
let email: string;

beforeAll(async () => {
  p = await newPractice();
  receptionist = await p.staff('receptionist');
  email = freshEmail('files');
  patient = await p.patient({ email });
  otherPatient = await p.patient();
});

describe('Attachments: upload, check, attach, download', () => {
  it('a file uploaded with the presigned POST is ready after complete, attaches to a start and a reply, and downloads byte for byte', async () => {
    const created = await create(receptionist.token, 'Lab results.pdf', 'application/pdf', PDF.byteLength);
    expect(created).toMatchObject({ status: 'pending', upload: { fields: { 'Content-Type': 'application/pdf' } } });
    expect(created.upload.fields.key).toBe(`files/${p.practiceId}/${created.id}`);
    await postForm(created.upload, PDF, 'application/pdf');
    const done = await succeeded('complete', complete(receptionist.token, created.id), 200);
    expect(done).toEqual({ id: created.id, status: 'ready', size: PDF.byteLength, contentType: 'application/pdf' });
    // Completing twice answers the same.
    expect((await complete(receptionist.token, created.id)).body).toEqual(done);

    const { conversation, message } = await started(receptionist.token, {
      channel: 'portal',
      subject: 'Your results',
      participants: [pt(patient)],
      body: 'The lab results are attached.',
      attachmentIds: [created.id],
    });
    expect(message.attachments).toEqual([{ id: created.id, fileName: 'Lab results.pdf', contentType: 'application/pdf', size: PDF.byteLength }]);
    expect(await download(patient.token, created.id)).toEqual(PDF);
    expect(await download(receptionist.token, created.id)).toEqual(PDF);

    // The patient replies with a file of their own: the receptionist downloads it.
    const docx = await uploaded(patient.token, 'referral.docx', DOCX_TYPE, DOCX);
    expect(docx.status).toBe('ready');
    const answer = await succeeded('reply', reply(patient.token, conversation.id, { body: 'Here is the referral letter.', attachmentIds: [docx.id] }), 201);
    expect(answer.attachments).toEqual([{ id: docx.id, fileName: 'referral.docx', contentType: DOCX_TYPE, size: DOCX.byteLength }]);
    expect(await download(receptionist.token, docx.id)).toEqual(DOCX);
    const listed = await messages(patient.token, conversation.id);
    expect(listed.flatMap((m) => m.attachments.map((a: { id: string }) => a.id)).sort()).toEqual([created.id, docx.id].sort());
  }, 120_000);

  it('another patient and another practice get 404 for the file and its complete; the uploader sees it before it is attached', async () => {
    const done = await uploaded(receptionist.token, 'notes.txt', 'text/plain', new TextEncoder().encode('Follow-up in two weeks.\n'));
    expect(done.status).toBe('ready');
    expect(await download(receptionist.token, done.id)).toEqual(new TextEncoder().encode('Follow-up in two weeks.\n'));
    const other = await newPractice();
    for (const token of [otherPatient.token, patient.token, other.admin.token]) {
      expectProblem(await call('GET', `/v1/attachments/${done.id}`, { token }), 404, 'not_found');
      expectProblem(await complete(token, done.id), 404, 'not_found');
    }
    // Someone else's ready file cannot be attached.
    expectProblem(
      await start(patient.token, { channel: 'portal', subject: 'Question', participants: [st(receptionist)], body: 'A question about my notes.', attachmentIds: [done.id] }),
      400,
      'attachment_not_ready',
    );
    // Once it is in a conversation, a participant downloads it; the other patient still cannot.
    await started(receptionist.token, { channel: 'portal', subject: 'Notes', participants: [pt(patient)], body: 'Your visit notes are attached.', attachmentIds: [done.id] });
    expect((await download(patient.token, done.id)).byteLength).toBe(done.size);
    expectProblem(await call('GET', `/v1/attachments/${done.id}`, { token: otherPatient.token }), 404, 'not_found');
  });

  it('refuses before any upload: over 10 MB is 413 attachment_too_large, a type outside the list 415 unsupported_media_type', async () => {
    expectProblem(await call('POST', '/v1/attachments', { token: patient.token, body: { fileName: 'scan.pdf', contentType: 'application/pdf', size: MAX + 1 } }), 413, 'attachment_too_large');
    for (const contentType of ['application/x-msdownload', 'application/zip', 'text/html', 'image/svg+xml']) {
      expectProblem(await call('POST', '/v1/attachments', { token: patient.token, body: { fileName: 'f', contentType, size: 10 } }), 415, 'unsupported_media_type');
    }
  });

  it('a mislabelled file is rejected with a reason, its object deleted, and cannot be attached', async () => {
    const created = await create(patient.token, 'scan.pdf', 'application/pdf', PNG.byteLength);
    await postForm(created.upload, PNG, 'application/pdf');
    const done = await succeeded('complete', complete(patient.token, created.id), 200);
    expect(done).toMatchObject({ status: 'rejected', reason: 'content_does_not_match_type' });
    const meta = await succeeded('get', call('GET', `/v1/attachments/${created.id}`, { token: patient.token }), 200);
    expect(meta).not.toHaveProperty('downloadUrl');
    expect((await fetch(`${created.upload.url}/${created.upload.fields.key}`)).status).toBe(404);
    expectProblem(
      await start(patient.token, { channel: 'portal', subject: 'Scan', participants: [st(receptionist)], body: 'My scan is attached.', attachmentIds: [created.id] }),
      400,
      'attachment_not_ready',
    );
  });

  it('an object over 10 MB (s3rver does not enforce the policy) is rejected and deleted by complete', async () => {
    const created = await create(patient.token, 'big.pdf', 'application/pdf', MAX);
    await postForm(created.upload, pdfOf(MAX + 1), 'application/pdf');
    const done = await succeeded('complete', complete(patient.token, created.id), 200);
    expect(done).toMatchObject({ status: 'rejected', reason: 'too_large', size: MAX + 1 });
    expect((await fetch(`${created.upload.url}/${created.upload.fields.key}`)).status).toBe(404);
  });

  it('a never-completed upload cannot be attached; complete before the upload rejects it (not_uploaded)', async () => {
    const created = await create(patient.token, 'later.pdf', 'application/pdf', 100);
    expectProblem(
      await start(patient.token, { channel: 'portal', subject: 'Later', participants: [st(receptionist)], body: 'I will send it later.', attachmentIds: [created.id] }),
      400,
      'attachment_not_ready',
    );
    expect((await complete(patient.token, created.id)).body).toMatchObject({ status: 'rejected', reason: 'not_uploaded' });
  });
});

describe('Attachments: delivery', () => {
  it('an email with two files reaches the outbox with both; a portal notification email carries none', async () => {
    // A patient of its own: the first test's portal notification to the shared patient may still be on its way (newest first in the outbox).
    const email = freshEmail('results');
    const patient = await p.patient({ email });
    const pdf = await uploaded(receptionist.token, 'results.pdf', 'application/pdf', PDF);
    const png = await uploaded(receptionist.token, 'x-ray.png', 'image/png', PNG);
    await started(receptionist.token, { channel: 'email', subject: 'Your results', participants: [pt(patient)], body: 'Both files are attached.', attachmentIds: [pdf.id, png.id] });
    const [sent] = await eventually('email sent', () => outbox('email', email), (o) => o.some((e) => e.subject === 'Your results'));
    expect(sent).toMatchObject({ subject: 'Your results' });
    expect((sent as { attachments?: unknown[] }).attachments).toEqual([
      { fileName: 'results.pdf', contentType: 'application/pdf', size: PDF.byteLength },
      { fileName: 'x-ray.png', contentType: 'image/png', size: PNG.byteLength },
    ]);

    await started(receptionist.token, { channel: 'portal', subject: 'Portal with a file', participants: [pt(patient)], body: 'A file for you in the portal.', attachmentIds: [pdf.id] });
    const emails = await eventually('notification', () => outbox('email', email), (o) => o.length >= 2);
    const notification = emails.find((e) => e.subject !== 'Your results') as { attachments?: unknown[]; body: string };
    expect(notification.attachments).toBeUndefined();
    expect(notification.body).not.toContain('A file for you');
  });

  it('email: files past what SES carries are 422 attachments_too_large_for_channel at send time, nothing written', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await uploaded(receptionist.token, `scan-${i}.pdf`, 'application/pdf', pdfOf(MAX))).id);
    const before = (await succeeded('inbox', call('GET', '/v1/conversations?limit=100', { token: receptionist.token }), 200)).items.length;
    expectProblem(
      await start(receptionist.token, { channel: 'email', subject: 'Scans', participants: [pt(patient)], body: 'Three large scans attached.', attachmentIds: ids }),
      422,
      'attachments_too_large_for_channel',
    );
    expect((await succeeded('inbox', call('GET', '/v1/conversations?limit=100', { token: receptionist.token }), 200)).items.length).toBe(before);
    // The portal carries them all (no provider in between).
    await started(receptionist.token, { channel: 'portal', subject: 'Scans', participants: [pt(patient)], body: 'Three large scans attached.', attachmentIds: ids });
  }, 120_000);

  it('WhatsApp sends a PDF as media (the outbox lists it) and refuses a GIF with 422; SMS carries none (400)', async () => {
    const phone = freshPhone();
    const wa = await p.patient({ whatsapp: phone, phone });
    const pdf = await uploaded(receptionist.token, 'plan.pdf', 'application/pdf', PDF);
    await started(receptionist.token, { channel: 'whatsapp', participants: [pt(wa)], body: 'Your care plan.', attachmentIds: [pdf.id] });
    const [sent] = await eventually('whatsapp sent', () => outbox('whatsapp', phone), (o) => o.length > 0);
    expect((sent as { attachments?: unknown[] }).attachments).toEqual([{ fileName: 'plan.pdf', contentType: 'application/pdf', size: PDF.byteLength }]);

    const gif = await uploaded(receptionist.token, 'wave.gif', 'image/gif', new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;'));
    expect(gif.status).toBe('ready');
    expectProblem(await start(receptionist.token, { channel: 'whatsapp', participants: [pt(wa)], body: 'A wave.', attachmentIds: [gif.id] }), 422, 'attachments_too_large_for_channel');
    expectProblem(await start(receptionist.token, { channel: 'sms', participants: [pt(wa)], body: 'A file.', attachmentIds: [pdf.id] }), 400, 'attachments_not_allowed');
  });
});
