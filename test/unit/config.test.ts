import { describe, expect, it } from 'vitest';

process.env['TABLE_NAME'] ??= 'config-test';
const { parseConfig } = await import('../../lambdas/config.js');

/** The failure names the variables, never their values. */
const rejects = (env: Record<string, string | undefined>) => {
  try {
    parseConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('configuration (zod mini): accepts and rejects exactly as the classic schema did', () => {
  it('applies the defaults when only TABLE_NAME is set', () => {
    expect(parseConfig({ TABLE_NAME: 't' })).toEqual({
      TABLE_NAME: 't',
      ATTACHMENTS_BUCKET: '',
      MALWARE_SCAN: 'off',
      AWS_REGION: 'us-east-1',
      STAGE: 'dev',
      PROVIDER_MODE: 'aws',
      SES_FROM_ADDRESS: 'no-reply@example.com',
      DELIVERY_MAX_ATTEMPTS: 5,
      DELIVERY_LEASE_SECONDS: 300,
      DELIVERY_MAX_THROTTLE_DELAY_SECONDS: 900,
      IDEMPOTENCY_TTL_SECONDS: 86_400,
      SNS_TOPIC_ARNS: '',
      INBOUND_EMAIL_BUCKET: '',
    });
  });

  it('requires a non-empty TABLE_NAME', () => {
    expect(rejects({})).toBe('Invalid configuration: TABLE_NAME');
    expect(rejects({ TABLE_NAME: '' })).toBe('Invalid configuration: TABLE_NAME');
  });

  it('coerces numbers from strings and checks integer and bounds', () => {
    expect(parseConfig({ TABLE_NAME: 't', DELIVERY_MAX_ATTEMPTS: '20', DELIVERY_LEASE_SECONDS: ' 7 ', IDEMPOTENCY_TTL_SECONDS: '1e2' })).toMatchObject({
      DELIVERY_MAX_ATTEMPTS: 20,
      DELIVERY_LEASE_SECONDS: 7,
      IDEMPOTENCY_TTL_SECONDS: 100,
    });
    expect(parseConfig({ TABLE_NAME: 't', DELIVERY_MAX_THROTTLE_DELAY_SECONDS: '0x10' }).DELIVERY_MAX_THROTTLE_DELAY_SECONDS).toBe(16);
    for (const bad of ['0', '21', '1.5', 'abc', '', '-1', 'Infinity']) {
      expect(rejects({ TABLE_NAME: 't', DELIVERY_MAX_ATTEMPTS: bad }), bad).toBe('Invalid configuration: DELIVERY_MAX_ATTEMPTS');
    }
    expect(rejects({ TABLE_NAME: 't', DELIVERY_LEASE_SECONDS: '0' })).toBe('Invalid configuration: DELIVERY_LEASE_SECONDS');
    expect(rejects({ TABLE_NAME: 't', DELIVERY_MAX_THROTTLE_DELAY_SECONDS: '901' })).toBe('Invalid configuration: DELIVERY_MAX_THROTTLE_DELAY_SECONDS');
  });

  it('accepts only the listed enum values (case-sensitive)', () => {
    expect(parseConfig({ TABLE_NAME: 't', MALWARE_SCAN: 'on', PROVIDER_MODE: 'local' })).toMatchObject({ MALWARE_SCAN: 'on', PROVIDER_MODE: 'local' });
    expect(rejects({ TABLE_NAME: 't', MALWARE_SCAN: 'ON' })).toBe('Invalid configuration: MALWARE_SCAN');
    expect(rejects({ TABLE_NAME: 't', PROVIDER_MODE: '' })).toBe('Invalid configuration: PROVIDER_MODE');
  });

  it('checks URLs and minimum lengths, and keeps an empty string where the default is only for absence', () => {
    expect(parseConfig({ TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'http://localhost:8000', PUBLIC_BASE_URL: 'https://example.com/x' })).toMatchObject({
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      PUBLIC_BASE_URL: 'https://example.com/x',
    });
    expect(rejects({ TABLE_NAME: 't', S3_ENDPOINT: 'not a url' })).toBe('Invalid configuration: S3_ENDPOINT');
    expect(rejects({ TABLE_NAME: 't', SES_ENDPOINT: '' })).toBe('Invalid configuration: SES_ENDPOINT');
    expect(parseConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(32) }).CURSOR_SECRET).toHaveLength(32);
    expect(rejects({ TABLE_NAME: 't', CURSOR_SECRET: 'x'.repeat(31) })).toBe('Invalid configuration: CURSOR_SECRET');
    expect(rejects({ TABLE_NAME: 't', DELIVERY_QUEUE_URL: '' })).toBe('Invalid configuration: DELIVERY_QUEUE_URL');
    expect(parseConfig({ TABLE_NAME: 't', STAGE: '', SES_CONFIGURATION_SET: '' })).toMatchObject({ STAGE: '', SES_CONFIGURATION_SET: '' });
  });

  it('names every invalid variable, never a value', () => {
    const message = rejects({ TABLE_NAME: '', DELIVERY_MAX_ATTEMPTS: '0', PUBLIC_BASE_URL: 'secret-value' });
    expect(message).toBe('Invalid configuration: TABLE_NAME, DELIVERY_MAX_ATTEMPTS, PUBLIC_BASE_URL');
  });
});
