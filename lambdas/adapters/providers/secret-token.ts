/**
 * A token read from a Secrets Manager secret, cached for a while (default 5 minutes) so a warm
 * dispatcher does not call Secrets Manager per message, and refreshable on demand when the
 * provider says the token it holds is no longer valid (rotation).
 *
 * The secret holds either the bare token (`SecretString` is the token) or, with `jsonKey`, a
 * JSON object whose `jsonKey` property is the token.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** How a sender asks for a token; `{ refresh: true }` after the provider rejected the last one. */
export type AccessTokenSource = (options?: { refresh?: boolean }) => Promise<string>;

export interface SecretTokenProviderOptions {
  client: SecretsManagerClient;
  /** Secret name or ARN. */
  secretId: string;
  /** How long a read value is used before it is read again. Default 5 minutes. */
  ttlMs?: number;
  /** Read this property of a JSON secret instead of using the whole string. */
  jsonKey?: string;
  /** Clock, for tests. */
  now?: () => number;
}

export const DEFAULT_TOKEN_TTL_MS = 5 * 60 * 1000;

export class SecretTokenProvider {
  private readonly client: SecretsManagerClient;
  private readonly secretId: string;
  private readonly ttlMs: number;
  private readonly jsonKey: string | undefined;
  private readonly now: () => number;
  private cached: { value: string; expiresAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(options: SecretTokenProviderOptions) {
    this.client = options.client;
    this.secretId = options.secretId;
    this.ttlMs = options.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
    this.jsonKey = options.jsonKey;
    this.now = options.now ?? Date.now;
  }

  /** The cached token while fresh; otherwise read again. If that read fails, a stale token is better than none. */
  async get(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.expiresAt) return cached.value;
    try {
      return await this.read();
    } catch (err) {
      if (cached) return cached.value;
      throw err;
    }
  }

  /** Read the secret now, ignoring the cache (the cached token was rejected; no stale fallback). */
  refresh(): Promise<string> {
    return this.read();
  }

  /** This provider as the function a sender takes. */
  readonly accessToken: AccessTokenSource = (options) => (options?.refresh ? this.refresh() : this.get());

  /** One read at a time: concurrent callers (many sends hitting a 401 together) share it. */
  private read(): Promise<string> {
    if (!this.inFlight) {
      this.inFlight = this.fetchSecret()
        .then((value) => {
          this.cached = { value, expiresAt: this.now() + this.ttlMs };
          return value;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  private async fetchSecret(): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    const raw = out.SecretString;
    if (raw === undefined) throw new Error('Secret has no SecretString');
    if (this.jsonKey === undefined) {
      const token = raw.trim();
      if (!token) throw new Error('Secret is empty');
      return token;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error('Secret is not JSON');
    }
    const token = (parsed as Record<string, unknown> | null)?.[this.jsonKey];
    if (typeof token !== 'string' || !token) throw new Error(`Secret has no string property ${this.jsonKey}`);
    return token;
  }
}
