import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { contentDisposition, resetS3BytesRead, S3FileStore, s3BytesRead } from '../../../lambdas/adapters/s3/file-store.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const store = new S3FileStore(client, 'attachments-bucket');
const KEY = 'files/practice-1/01J000';
const body = (bytes: Uint8Array) => ({ transformToByteArray: async () => bytes }) as never;

describe('S3 file store (the attachments bucket)', () => {
  beforeEach(() => {
    s3.reset();
    resetS3BytesRead();
  });

  it('size: one HeadObject; a missing object is null', async () => {
    s3.on(HeadObjectCommand).resolvesOnce({ ContentLength: 1234 }).rejectsOnce(Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    expect(await store.size(KEY)).toBe(1234);
    expect(await store.size(KEY)).toBeNull();
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'attachments-bucket', Key: KEY });
  });

  it('leadingBytes: one ranged GetObject of exactly the bytes asked for, counted', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(new Uint8Array(8192).fill(7)) });
    const bytes = await store.leadingBytes(KEY, 8192);
    expect(bytes.byteLength).toBe(8192);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'attachments-bucket', Key: KEY, Range: 'bytes=0-8191' }]);
    expect(s3BytesRead()).toEqual({ bytes: 8192, gets: 1 });
  });

  it('keep: replaces upload=pending with upload=complete and keeps every other tag (the GuardDuty verdict)', async () => {
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'upload', Value: 'pending' }, { Key: 'GuardDutyMalwareScanStatus', Value: 'NO_THREATS_FOUND' }] });
    s3.on(PutObjectTaggingCommand).resolves({});
    await store.keep(KEY);
    expect(s3.commandCalls(PutObjectTaggingCommand)[0]!.args[0].input).toEqual({
      Bucket: 'attachments-bucket',
      Key: KEY,
      Tagging: { TagSet: [{ Key: 'GuardDutyMalwareScanStatus', Value: 'NO_THREATS_FOUND' }, { Key: 'upload', Value: 'complete' }] },
    });
  });

  it('scanStatus reads the GuardDuty tag; put stores checked bytes already kept; delete deletes', async () => {
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'GuardDutyMalwareScanStatus', Value: 'THREATS_FOUND' }] });
    s3.on(PutObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    expect(await store.scanStatus(KEY)).toBe('THREATS_FOUND');
    const bytes = new Uint8Array([1, 2, 3]);
    await store.put(KEY, bytes, 'application/pdf');
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'attachments-bucket', Key: KEY, Body: bytes, ContentType: 'application/pdf', Tagging: 'upload=complete' });
    await store.delete(KEY);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'attachments-bucket', Key: KEY });
  });

  it('presignUpload: a POST policy fixing the key, the exact content type, 1..max bytes, the pending tag and a short expiry', async () => {
    const before = Date.now();
    const { url, fields } = await store.presignUpload(KEY, 'application/pdf', 10_485_760, 300);
    expect(url).toBe('https://attachments-bucket.s3.us-east-1.amazonaws.com/');
    expect(fields).toMatchObject({ key: KEY, 'Content-Type': 'application/pdf', bucket: 'attachments-bucket' });
    const policy = JSON.parse(Buffer.from(fields['Policy']!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 10_485_760],
        { 'Content-Type': 'application/pdf' },
        { tagging: '<Tagging><TagSet><Tag><Key>upload</Key><Value>pending</Value></Tag></TagSet></Tagging>' },
        { key: KEY },
        { bucket: 'attachments-bucket' },
      ]),
    );
    const expires = Date.parse(policy.expiration) - before;
    expect(expires).toBeGreaterThan(290_000);
    expect(expires).toBeLessThanOrEqual(301_000);
    expect(s3.calls()).toHaveLength(0);
  });

  it('downloadUrl: a presigned GET of 5 minutes that answers as an attachment with the file name', async () => {
    const url = new URL(await store.downloadUrl(KEY, 'Résultats "lab".pdf', 'application/pdf', 300));
    expect(url.pathname).toBe(`/${KEY}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toBe(contentDisposition('Résultats "lab".pdf'));
    expect(contentDisposition('Résultats "lab".pdf')).toBe(`attachment; filename="R_sultats _lab_.pdf"; filename*=UTF-8''R%C3%A9sultats%20%22lab%22.pdf`);
  });
});
