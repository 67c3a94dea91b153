/**
 * A token read from a Secrets Manager secret through Powertools Parameters (`getSecret`), which
 * caches it for `maxAgeSeconds` (default 5 minutes) so a warm dispatcher does not call Secrets
 * Manager per message; `{ refresh: true }` reads it again at once (`forceFetch`) when the provider
 * says the token it holds is no longer valid (rotation). The client is Powertools' default one, in
 * the function's own region (`AWS_REGION`).
 *
 * The secret holds either the bare token (`SecretString` is the token) or, with `jsonKey`, a
 * JSON object whose `jsonKey` property is the token.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** How a sender asks for a token; `{ refresh: true }` after the provider rejected the last one. */
export type AccessTokenSource = (options?: { refresh?: boolean }) => Promise<string>;

export interface SecretTokenOptions {
  /** Secret name or ARN. */
  secretId: string;
  /** How long a read value is used before it is read again. Default 5 minutes. */
  maxAgeSeconds?: number;
  /** Read this property of a JSON secret instead of using the whole string. */
  jsonKey?: string;
}

export const DEFAULT_TOKEN_MAX_AGE_SECONDS = 5 * 60;

function tokenOf(secret: unknown, jsonKey: string | undefined): string {
  if (secret === undefined) throw new Error('Secret has no SecretString');
  if (jsonKey === undefined) {
    const token = typeof secret === 'string' ? secret.trim() : '';
    if (!token) throw new Error('Secret is empty');
    return token;
  }
  const token = (secret as Record<string, unknown> | null)?.[jsonKey];
  if (typeof token !== 'string' || !token) throw new Error(`Secret has no string property ${jsonKey}`);
  return token;
}

/**
 * The token of `secretId` as a sender takes it. Concurrent callers of one kind (many sends
 * hitting a 401 together) share one read.
 */
export function secretToken({ secretId, maxAgeSeconds = DEFAULT_TOKEN_MAX_AGE_SECONDS, jsonKey }: SecretTokenOptions): AccessTokenSource {
  const inFlight = new Map<boolean, Promise<string>>();
  const read = (forceFetch: boolean) =>
    getSecret(secretId, { maxAge: maxAgeSeconds, forceFetch, ...(jsonKey === undefined ? {} : { transform: 'json' as const }) })
      .then((secret) => tokenOf(secret, jsonKey))
      .finally(() => inFlight.delete(forceFetch));
  return (options) => {
    const forceFetch = options?.refresh === true;
    const pending = inFlight.get(forceFetch) ?? read(forceFetch);
    inFlight.set(forceFetch, pending);
    return pending;
  };
}
