import { GetSecretValueCommand, InternalServiceError, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretToken } from '../../../lambdas/adapters/providers/secret-token.js';

const sm = mockClient(SecretsManagerClient);
const SECRET_ID = 'practice-messaging/whatsapp-token';

const token = (options: { maxAgeSeconds?: number; jsonKey?: string } = {}) => secretToken({ secretId: SECRET_ID, ...options });

describe('Provider: Secrets Manager token (Powertools Parameters)', () => {
  beforeEach(() => {
    sm.reset();
    clearCaches();
  });
  afterEach(() => vi.useRealTimers());

  it('reads the secret by id and caches it for its max age (default 5 minutes)', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'token-1' }).resolves({ SecretString: 'token-2' });
    const accessToken = token();

    expect(await accessToken()).toBe('token-1');
    vi.advanceTimersByTime(5 * 60 * 1000 - 1);
    expect(await accessToken()).toBe('token-1');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET_ID });

    vi.advanceTimersByTime(2);
    expect(await accessToken()).toBe('token-2');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('{ refresh: true } reads again at once, and the result is cached', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'old' }).resolves({ SecretString: 'rotated' });
    const accessToken = token();
    expect(await accessToken()).toBe('old');
    expect(await accessToken({ refresh: true })).toBe('rotated');
    expect(await accessToken()).toBe('rotated');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('concurrent callers share one read (many sends hitting a 401 together refresh once)', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 't' }).resolves({ SecretString: 'rotated' });
    const accessToken = token();
    expect(await Promise.all([accessToken(), accessToken(), accessToken()])).toEqual(['t', 't', 't']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    const refreshed = await Promise.all([accessToken({ refresh: true }), accessToken({ refresh: true }), accessToken({ refresh: true })]);
    expect(refreshed).toEqual(['rotated', 'rotated', 'rotated']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('reads one property of a JSON secret when jsonKey is given; trims a bare token', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{"accessToken":"from-json","other":1}' })
      .resolves({ SecretString: '  bare\n' });
    expect(await token({ jsonKey: 'accessToken' })()).toBe('from-json');
    expect(await token()()).toBe('bare');
  });

  it('rejects a secret it cannot use', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"nope":"x"}' });
    await expect(token({ jsonKey: 'accessToken' })()).rejects.toThrow('no string property accessToken');
    sm.reset();
    clearCaches();
    sm.on(GetSecretValueCommand).resolves({});
    await expect(token()()).rejects.toThrow('no SecretString');
  });

  it('a failed read is an error (the sender retries later), and the next call reads again', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(new InternalServiceError({ message: 'x', $metadata: {} }))
      .resolves({ SecretString: 'back' });
    const accessToken = token();
    await expect(accessToken()).rejects.toThrow();
    expect(await accessToken()).toBe('back');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
