/** In-memory fakes of the attachment ports: records with the settle condition, a file store that counts what was read. */
import type { AttachmentDeps, AttachmentRecord, AttachmentRepository, CompleteOutcome, FileStore } from '../../../lambdas/use-cases/attachments/index.js';

export class InMemoryAttachments implements AttachmentRepository {
  readonly records = new Map<string, AttachmentRecord & { practiceId: string }>();
  async create(practiceId: string, record: AttachmentRecord): Promise<void> {
    if (this.records.has(record.id)) throw new Error('exists');
    this.records.set(record.id, { ...record, practiceId });
  }
  async get(practiceId: string, id: string): Promise<AttachmentRecord | null> {
    const r = this.records.get(id);
    if (!r || r.practiceId !== practiceId) return null;
    const { practiceId: _p, ...rest } = r;
    return { ...rest, attachedTo: [...rest.attachedTo] };
  }
  async getMany(practiceId: string, ids: readonly string[]): Promise<AttachmentRecord[]> {
    const out: AttachmentRecord[] = [];
    for (const id of new Set(ids)) {
      const r = await this.get(practiceId, id);
      if (r) out.push(r);
    }
    return out;
  }
  async settle(practiceId: string, id: string, outcome: CompleteOutcome & { status: 'ready' | 'rejected' }, at: string) {
    const r = this.records.get(id);
    if (!r || r.practiceId !== practiceId) return null;
    if (r.status === 'pending') {
      Object.assign(r, { status: outcome.status, size: outcome.size, completedAt: at, ...(outcome.status === 'rejected' ? { reason: outcome.reason } : {}) });
    }
    return this.get(practiceId, id);
  }
  async markAttached(practiceId: string, ids: readonly string[], conversationId: string, messageId: string): Promise<void> {
    for (const id of ids) {
      const r = this.records.get(id);
      if (r && r.practiceId === practiceId && !r.attachedTo.includes(`${conversationId}#${messageId}`)) r.attachedTo.push(`${conversationId}#${messageId}`);
    }
  }
}

export class InMemoryFiles implements FileStore {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string; tags: Record<string, string> }>();
  /** Bytes handed out by leadingBytes (the check must read a few KB, whatever the size). */
  bytesRead = 0;
  readonly deleted: string[] = [];
  async presignUpload(key: string, contentType: string, maxBytes: number, expiresInSeconds: number) {
    return { url: 'https://bucket.example/', fields: { key, 'Content-Type': contentType, policy: JSON.stringify({ maxBytes, expiresInSeconds }) } };
  }
  /** What a client's POST would do. */
  upload(key: string, bytes: Uint8Array, contentType = 'application/octet-stream'): void {
    this.objects.set(key, { bytes, contentType, tags: { upload: 'pending' } });
  }
  async size(key: string) {
    return this.objects.get(key)?.bytes.byteLength ?? null;
  }
  async leadingBytes(key: string, count: number) {
    const bytes = this.objects.get(key)!.bytes.subarray(0, count);
    this.bytesRead += bytes.byteLength;
    return bytes;
  }
  async scanStatus(key: string) {
    return this.objects.get(key)?.tags['GuardDutyMalwareScanStatus'] ?? null;
  }
  async keep(key: string) {
    this.objects.get(key)!.tags['upload'] = 'complete';
  }
  async put(key: string, bytes: Uint8Array, contentType: string) {
    this.objects.set(key, { bytes, contentType, tags: { upload: 'complete' } });
  }
  async delete(key: string) {
    this.objects.delete(key);
    this.deleted.push(key);
  }
  async downloadUrl(key: string, fileName: string, _contentType: string, expiresInSeconds: number) {
    return `https://bucket.example/${key}?name=${encodeURIComponent(fileName)}&expires=${expiresInSeconds}`;
  }
}

export function attachmentFakes(over: Partial<AttachmentDeps> = {}) {
  const attachments = new InMemoryAttachments();
  const files = new InMemoryFiles();
  let n = 0;
  const deps: AttachmentDeps = {
    attachments,
    files,
    now: () => new Date('2026-11-30T10:00:00.000Z'),
    malwareScan: false,
    newId: () => `att-${++n}`,
    ...over,
  };
  return { deps, attachments, files };
}

/** Leading bytes of real formats. */
export const samples = {
  pdf: () => new TextEncoder().encode('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'),
  png: () =>
    Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ]),
  text: () => new TextEncoder().encode('Blood pressure log\n120/80, 118/79\n'),
  rtf: () => new TextEncoder().encode('{\\rtf1\\ansi Hello}'),
  binary: () => Uint8Array.from([0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00, 0x10]),
};
