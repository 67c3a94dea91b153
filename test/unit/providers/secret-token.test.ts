import { GetSecretValueCommand, InternalServiceError, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretTokenProvider } from '../../../lambdas/adapters/providers/secret-token.js';

const sm = mockClient(SecretsManagerClient);

function provider(options: { ttlMs?: number; jsonKey?: string; now?: () => number } = {}) {
  return new SecretTokenProvider({
    client: new SecretsManagerClient({ region: 'us-east-1' }),
    secretId: 'practice-messaging/whatsapp-token',
    ...options,
  });
}

describe('Provider: Secrets Manager token', () => {
  beforeEach(() => sm.reset());

  it('reads the secret by id and caches it for the TTL (default 5 minutes)', async () => {
    let now = 1_000_000;
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'token-1' }).resolves({ SecretString: 'token-2' });
    const tokens = provider({ now: () => now });

    expect(await tokens.get()).toBe('token-1');
    now += 5 * 60 * 1000 - 1;
    expect(await tokens.get()).toBe('token-1');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: 'practice-messaging/whatsapp-token' });

    now += 1;
    expect(await tokens.get()).toBe('token-2');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refresh() reads again at once, and the result is cached', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'old' }).resolves({ SecretString: 'rotated' });
    const tokens = provider();
    expect(await tokens.get()).toBe('old');
    expect(await tokens.refresh()).toBe('rotated');
    expect(await tokens.get()).toBe('rotated');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('accessToken() is get(), accessToken({ refresh: true }) is refresh()', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'a' }).resolves({ SecretString: 'b' });
    const { accessToken } = provider();
    expect(await accessToken()).toBe('a');
    expect(await accessToken()).toBe('a');
    expect(await accessToken({ refresh: true })).toBe('b');
  });

  it('concurrent callers share one read', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 't' });
    const tokens = provider();
    const got = await Promise.all([tokens.get(), tokens.get(), tokens.refresh(), tokens.refresh()]);
    expect(got).toEqual(['t', 't', 't', 't']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads one property of a JSON secret when jsonKey is given; trims a bare token', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{"accessToken":"from-json","other":1}' })
      .resolves({ SecretString: '  bare\n' });
    expect(await provider({ jsonKey: 'accessToken' }).get()).toBe('from-json');
    expect(await provider().get()).toBe('bare');
  });

  it('rejects a secret it cannot use', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"nope":"x"}' });
    await expect(provider({ jsonKey: 'accessToken' }).get()).rejects.toThrow('no string property accessToken');
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({});
    await expect(provider().get()).rejects.toThrow('no SecretString');
  });

  it('when the read fails, get() serves the expired token rather than none; refresh() does not', async () => {
    let now = 0;
    const error = new InternalServiceError({ message: 'x', $metadata: {} });
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'stale' }).rejects(error);
    const tokens = provider({ now: () => now, ttlMs: 1000 });
    expect(await tokens.get()).toBe('stale');
    now += 5000;
    expect(await tokens.get()).toBe('stale');
    await expect(tokens.refresh()).rejects.toBe(error);
    await expect(provider().get()).rejects.toBe(error);
  });
});
