import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsTreatedAsExpired, defaultProvider } from '../../../lib/bundling-stubs/credential-provider-env-only.js';

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_PROFILE'] as const;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const k of KEYS) delete process.env[k];
});
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('the bundles\' credential provider (environment only)', () => {
  it('reads the credentials Lambda sets (key, secret, session token)', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' });
    const credentials = await defaultProvider()();
    expect(credentials).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('keeps what it read (no expiration: read once for the life of the environment)', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'first', AWS_SECRET_ACCESS_KEY: 's1' });
    const provider = defaultProvider();
    expect((await provider()).accessKeyId).toBe('first');
    process.env['AWS_ACCESS_KEY_ID'] = 'second';
    expect((await provider()).accessKeyId).toBe('first');
  });

  it('reads again once the credentials are within five minutes of their expiration', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'first', AWS_SECRET_ACCESS_KEY: 's1', AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 60_000).toISOString() });
    const provider = defaultProvider();
    const first = await provider();
    expect(credentialsTreatedAsExpired(first)).toBe(true);
    process.env['AWS_ACCESS_KEY_ID'] = 'second';
    expect((await provider()).accessKeyId).toBe('second');
  });

  it('fails as the default chain does without them, and does not keep the failure', async () => {
    const provider = defaultProvider();
    await expect(provider()).rejects.toThrow(/Unable to find environment variable credentials/);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'later', AWS_SECRET_ACCESS_KEY: 's' });
    expect((await provider()).accessKeyId).toBe('later');
  });
});
