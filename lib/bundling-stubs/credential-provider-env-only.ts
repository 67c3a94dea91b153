/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (lib/lambda-bundling.ts `alias`): the
 * SDK clients' default credential provider, reduced to the environment. Lambda always hands a
 * function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, the first link of the SDK's default chain; the rest of that chain (SSO,
 * shared ini files, credential_process, web identity, the container and instance metadata
 * endpoints, the nested STS and SSO clients behind them) is never reached there and would only
 * add weight and import time. Without those variables a call fails as the default chain would
 * ("Unable to find environment variable credentials"). The local runtime is not bundled and
 * keeps the full chain. Same exports as the package it replaces.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

type Init = Parameters<typeof fromEnv>[0];

export const credentialsWillNeedRefresh = (credentials?: AwsCredentialIdentity): boolean => credentials?.expiration !== undefined;

/** As the default chain: credentials expiring within five minutes are read again. */
export const credentialsTreatedAsExpired = (credentials?: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/** The environment's credentials, read once and kept until they are treated as expired (a failed read is not kept). */
export const defaultProvider = (init: Init = {}): AwsCredentialIdentityProvider => {
  const read = fromEnv(init);
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (current) {
      const credentials = await current.catch(() => undefined);
      if (credentials && !credentialsTreatedAsExpired(credentials)) return credentials;
    }
    const reading = read();
    current = reading;
    reading.catch(() => {
      if (current === reading) current = undefined;
    });
    return reading;
  };
};
