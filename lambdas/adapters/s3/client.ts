/**
 * The one S3 client of an execution environment. Locally it points at s3rver (path-style
 * addressing, and the account s3rver knows: `S3RVER`); on AWS the default chain and endpoint.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../../config.js';

/** s3rver's built-in account: it refuses any other access key id. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function s3Client(endpoint: string | undefined = config.S3_ENDPOINT, region: string = config.AWS_REGION): S3Client {
  return endpoint
    ? new S3Client({ region, endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
    : new S3Client({ region });
}
