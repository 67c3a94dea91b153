import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  attachmentCatalog,
  completeUpload,
  contentMismatch,
  createUpload,
  getAttachment,
  ingestInboundFile,
  type CarrierReader,
} from '../../../lambdas/use-cases/attachments/index.js';
import { assertChannelCarries, MAX_ATTACHMENT_BYTES } from '../../../lambdas/domain/attachment-rules.js';
import { caller } from '../helpers.js';
import { refusal } from './fakes.js';
import { attachmentFakes, samples } from './attachments-fakes.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/attachments/${name}`, import.meta.url)));
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ODT = 'application/vnd.oasis.opendocument.text';
const patient = caller('patient');
const staff = caller('receptionist');

const noCarriers: CarrierReader = { mayReadAny: async () => false };

describe('Use case: start an upload', () => {
  it('answers a presigned POST for the practice and attachment key, and records the file as pending', async () => {
    const f = attachmentFakes();
    const out = await createUpload(f.deps, patient, { fileName: 'scan.pdf', contentType: 'Application/PDF', size: 2048 });
    expect(out).toMatchObject({ id: 'att-1', status: 'pending', expiresAt: '2026-11-30T10:05:00.000Z' });
    expect(out.upload.fields).toMatchObject({ key: 'files/p/att-1', 'Content-Type': 'application/pdf' });
    expect(JSON.parse(out.upload.fields['policy']!)).toEqual({ maxBytes: MAX_ATTACHMENT_BYTES, expiresInSeconds: 300 });
    expect(await f.attachments.get('p', 'att-1')).toMatchObject({ status: 'pending', owner: { type: 'patient', id: 'patient-me' }, contentType: 'application/pdf' });
  });

  it('refuses a file over 10 MB (413 attachment_too_large) and a type outside the list (415), before anything is recorded', async () => {
    const f = attachmentFakes();
    expect((await refusal(createUpload(f.deps, staff, { fileName: 'big.pdf', contentType: 'application/pdf', size: MAX_ATTACHMENT_BYTES + 1 }))).kind).toBe('attachment_too_large');
    expect((await refusal(createUpload(f.deps, staff, { fileName: 'run.exe', contentType: 'application/x-msdownload', size: 10 }))).kind).toBe('unsupported_media_type');
    expect((await refusal(createUpload(f.deps, staff, { fileName: 'a.zip', contentType: 'application/zip', size: 10 }))).kind).toBe('unsupported_media_type');
    expect(f.attachments.records.size).toBe(0);
  });
});

describe('Use case: complete an upload (the check where it landed)', () => {
  async function uploaded(bytes: Uint8Array, contentType: string, over = {}) {
    const f = attachmentFakes(over);
    const { id } = await createUpload(f.deps, patient, { fileName: 'file', contentType, size: Math.min(bytes.byteLength, MAX_ATTACHMENT_BYTES) });
    f.files.upload(`files/p/${id}`, bytes);
    return { f, id };
  }

  it.each([
    ['a PDF', samples.pdf(), 'application/pdf'],
    ['a PNG', fixture('dot.png'), 'image/png'],
    ['a DOCX (a ZIP the detector names)', fixture('referral.docx'), DOCX],
    ['an XLSX', fixture('results.xlsx'), XLSX],
    ['an ODT (its mimetype entry)', fixture('letter.odt'), ODT],
    ['a text file', samples.text(), 'text/plain'],
    ['a CSV', new TextEncoder().encode('date,systolic\n2026-11-30,120\n'), 'text/csv'],
    ['an RTF', samples.rtf(), 'application/rtf'],
  ])('%s that is what it says is ready, with its real size, and kept', async (_name, bytes, type) => {
    const { f, id } = await uploaded(bytes, type);
    const out = await completeUpload(f.deps, patient, id);
    expect(out).toEqual({ id, status: 'ready', size: bytes.byteLength, contentType: type });
    expect(f.files.objects.get(`files/p/${id}`)?.tags['upload']).toBe('complete');
  });

  it.each([
    ['a PNG labelled PDF', fixture('dot.png'), 'application/pdf', 'content_does_not_match_type'],
    ['an XLSX labelled DOCX', fixture('results.xlsx'), DOCX, 'content_does_not_match_type'],
    ['a DOCX labelled ODT', fixture('referral.docx'), ODT, 'content_does_not_match_type'],
    ['binary bytes labelled text', samples.binary(), 'text/plain', 'content_is_not_text'],
    ['a PDF labelled CSV', samples.pdf(), 'text/csv', 'content_is_not_text'],
    ['text labelled RTF', samples.text(), 'application/rtf', 'content_does_not_match_type'],
  ])('%s is rejected with a reason and deleted', async (_name, bytes, type, reason) => {
    const { f, id } = await uploaded(bytes, type);
    const out = await completeUpload(f.deps, patient, id);
    expect(out).toMatchObject({ id, status: 'rejected', reason });
    expect(f.files.deleted).toEqual([`files/p/${id}`]);
  });

  it('an object over 10 MB is rejected and deleted, and the check read only a few KB', async () => {
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    big.set(samples.pdf());
    const { f, id } = await uploaded(big, 'application/pdf');
    expect(await completeUpload(f.deps, patient, id)).toMatchObject({ status: 'rejected', reason: 'too_large', size: MAX_ATTACHMENT_BYTES + 1 });
    expect(f.files.objects.has(`files/p/${id}`)).toBe(false);
    expect(f.files.bytesRead).toBe(0);
  });

  it('a 10 MB file is checked on its first 8 KB only', async () => {
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES);
    big.set(samples.pdf());
    const { f, id } = await uploaded(big, 'application/pdf');
    expect(await completeUpload(f.deps, patient, id)).toMatchObject({ status: 'ready', size: MAX_ATTACHMENT_BYTES });
    expect(f.files.bytesRead).toBe(8192);
  });

  it('completing before anything was uploaded rejects it (not_uploaded); it can never be attached', async () => {
    const f = attachmentFakes();
    const { id } = await createUpload(f.deps, patient, { fileName: 'x.pdf', contentType: 'application/pdf', size: 10 });
    expect(await completeUpload(f.deps, patient, id)).toMatchObject({ status: 'rejected', reason: 'not_uploaded' });
    expect((await attachmentCatalog(f.attachments).readyFor(patient, [id])).size).toBe(0);
  });

  it('completing twice answers the same result, without checking again', async () => {
    const { f, id } = await uploaded(samples.pdf(), 'application/pdf');
    const first = await completeUpload(f.deps, patient, id);
    const read = f.files.bytesRead;
    expect(await completeUpload(f.deps, patient, id)).toEqual(first);
    expect(f.files.bytesRead).toBe(read);
  });

  it('only the uploader completes: another patient, staff and another practice get 404', async () => {
    const { f, id } = await uploaded(samples.pdf(), 'application/pdf');
    for (const who of [caller('patient', { id: 'other' }), caller('admin'), caller('patient', { practiceId: 'q' })]) {
      expect((await refusal(completeUpload(f.deps, who, id))).kind).toBe('not_found');
    }
    expect(f.attachments.records.get(id)?.status).toBe('pending');
  });

  it('with malware scanning on: pending until the scan tag says NO_THREATS_FOUND; THREATS_FOUND rejects and deletes', async () => {
    const { f, id } = await uploaded(samples.pdf(), 'application/pdf', { malwareScan: true });
    expect(await completeUpload(f.deps, patient, id)).toMatchObject({ status: 'pending', reason: 'scan_pending' });
    f.files.objects.get(`files/p/${id}`)!.tags['GuardDutyMalwareScanStatus'] = 'NO_THREATS_FOUND';
    expect(await completeUpload(f.deps, patient, id)).toMatchObject({ status: 'ready' });

    const bad = await uploaded(samples.pdf(), 'application/pdf', { malwareScan: true });
    bad.f.files.objects.get(`files/p/${bad.id}`)!.tags['GuardDutyMalwareScanStatus'] = 'THREATS_FOUND';
    expect(await completeUpload(bad.f.deps, patient, bad.id)).toMatchObject({ status: 'rejected', reason: 'malware_found' });
    expect(bad.f.files.deleted).toEqual([`files/p/${bad.id}`]);
  });
});

describe('Use case: download', () => {
  async function ready(f = attachmentFakes()) {
    const { id } = await createUpload(f.deps, patient, { fileName: 'scan.pdf', contentType: 'application/pdf', size: 10 });
    f.files.upload(`files/p/${id}`, samples.pdf());
    await completeUpload(f.deps, patient, id);
    return { f, id };
  }

  it('the uploader gets a 5-minute presigned GET before it is attached', async () => {
    const { f, id } = await ready();
    const out = await getAttachment({ ...f.deps, carriers: noCarriers }, patient, id);
    expect(out).toMatchObject({ id, status: 'ready', fileName: 'scan.pdf', contentType: 'application/pdf', expiresAt: '2026-11-30T10:05:00.000Z' });
    expect(out).toHaveProperty('downloadUrl', expect.stringContaining('expires=300'));
  });

  it('anyone else gets 404 until a message they may read carries it', async () => {
    const { f, id } = await ready();
    const reader: CarrierReader = { mayReadAny: async (who, marks) => who.id === 'receptionist-me' && marks.includes('c1#m1') };
    const deps = { ...f.deps, carriers: reader };
    expect((await refusal(getAttachment(deps, staff, id))).kind).toBe('not_found');
    await attachmentCatalog(f.attachments).markAttached('p', [id], 'c1', 'm1');
    expect(await getAttachment(deps, staff, id)).toHaveProperty('downloadUrl');
    expect((await refusal(getAttachment(deps, caller('patient', { id: 'other' }), id))).kind).toBe('not_found');
    expect((await refusal(getAttachment(deps, caller('receptionist', { practiceId: 'q' }), id))).kind).toBe('not_found');
  });
});

describe('Attaching: the catalog', () => {
  it("only the caller's own ready files, with name, type, size and key", async () => {
    const f = attachmentFakes();
    const mine = await createUpload(f.deps, patient, { fileName: 'a.pdf', contentType: 'application/pdf', size: 10 });
    f.files.upload(`files/p/${mine.id}`, samples.pdf());
    await completeUpload(f.deps, patient, mine.id);
    const pending = await createUpload(f.deps, patient, { fileName: 'b.pdf', contentType: 'application/pdf', size: 10 });
    const theirs = await createUpload(f.deps, staff, { fileName: 'c.pdf', contentType: 'application/pdf', size: 10 });
    f.files.upload(`files/p/${theirs.id}`, samples.pdf());
    await completeUpload(f.deps, staff, theirs.id);
    const ready = await attachmentCatalog(f.attachments).readyFor(patient, [mine.id, pending.id, theirs.id, 'nope']);
    expect([...ready.values()]).toEqual([{ id: mine.id, fileName: 'a.pdf', contentType: 'application/pdf', size: samples.pdf().byteLength, key: `files/p/${mine.id}` }]);
  });
});

describe('Rules: what a channel carries', () => {
  const pdf = (size: number) => ({ contentType: 'application/pdf', size });
  it('email: two 10 MB files fit SES’s 40 MB, three do not (base64 inflates by 4/3)', () => {
    expect(() => assertChannelCarries('email', [pdf(MAX_ATTACHMENT_BYTES), pdf(MAX_ATTACHMENT_BYTES)])).not.toThrow();
    expect(() => assertChannelCarries('email', [pdf(MAX_ATTACHMENT_BYTES), pdf(MAX_ATTACHMENT_BYTES), pdf(MAX_ATTACHMENT_BYTES)])).toThrow(
      expect.objectContaining({ kind: 'attachments_too_large_for_channel' }),
    );
  });
  it('WhatsApp: PDF and JPEG up to 5 MB go; HEIC, GIF, CSV and a 6 MB PNG do not', () => {
    expect(() => assertChannelCarries('whatsapp', [pdf(9_000_000), { contentType: 'image/jpeg', size: 5_000_000 }])).not.toThrow();
    for (const refused of [{ contentType: 'image/heic', size: 10 }, { contentType: 'image/gif', size: 10 }, { contentType: 'text/csv', size: 10 }, { contentType: 'image/png', size: 6 * 1024 * 1024 }]) {
      expect(() => assertChannelCarries('whatsapp', [refused])).toThrow(expect.objectContaining({ kind: 'attachments_too_large_for_channel' }));
    }
  });
  it('portal carries any accepted file', () => {
    expect(() => assertChannelCarries('portal', Array.from({ length: 100 }, () => pdf(MAX_ATTACHMENT_BYTES)))).not.toThrow();
  });
});

describe('Inbound intake: ingestInboundFile', () => {
  it('stores a checked file and records it ready, owned by the practice', async () => {
    const f = attachmentFakes();
    const out = await ingestInboundFile(f.deps, { practiceId: 'p', fileName: 'lab.pdf', contentType: 'application/pdf', bytes: samples.pdf() });
    expect(out).toEqual({ ok: true, attachment: { id: 'att-1', fileName: 'lab.pdf', contentType: 'application/pdf', size: samples.pdf().byteLength, key: 'files/p/att-1' } });
    expect(f.files.objects.get('files/p/att-1')?.tags['upload']).toBe('complete');
    expect(await f.attachments.get('p', 'att-1')).toMatchObject({ status: 'ready', owner: { type: 'system' } });
  });

  it('refuses a file over 10 MB, of a type outside the list, or mislabelled: nothing stored', async () => {
    const f = attachmentFakes();
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    big.set(samples.pdf());
    expect(await ingestInboundFile(f.deps, { practiceId: 'p', fileName: 'a.pdf', contentType: 'application/pdf', bytes: big })).toEqual({ ok: false, reason: 'too_large' });
    expect(await ingestInboundFile(f.deps, { practiceId: 'p', fileName: 'a.exe', contentType: 'application/x-msdownload', bytes: samples.binary() })).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(await ingestInboundFile(f.deps, { practiceId: 'p', fileName: 'a.pdf', contentType: 'application/pdf', bytes: fixture('dot.png') })).toEqual({ ok: false, reason: 'content_does_not_match_type' });
    expect(f.files.objects.size).toBe(0);
    expect(f.attachments.records.size).toBe(0);
  });
});

describe('content check', () => {
  it('a text file cut mid-character by the ranged read is still text; invalid UTF-8 is not', async () => {
    const euro = new TextEncoder().encode('€€€');
    expect(await contentMismatch('text/plain', euro.subarray(0, 4), false)).toBeNull();
    expect(await contentMismatch('text/plain', euro.subarray(0, 4), true)).toBe('content_is_not_text');
    expect(await contentMismatch('text/plain', Uint8Array.from([0xc3, 0x28]), true)).toBe('content_is_not_text');
  });
});
