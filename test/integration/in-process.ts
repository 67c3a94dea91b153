/**
 * For tests that run the service's own modules in the test process (use cases, repositories)
 * against this run's emulators: sets the environment those modules read at load before the test
 * imports them, and puts it back afterwards — the test worker is shared with other files, unit
 * tests included, which read `TABLE_NAME` and the like from the same `process.env`.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { localCredentials } from '../../lib/local/emulators.js';

export function useRuntimeEnvironment(): void {
  let before: Record<string, string | undefined> = {};
  beforeAll(() => {
    const env = {
      TABLE_NAME: 'practice-messaging-local',
      DYNAMODB_ENDPOINT: inject('endpoints').dynamodb,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      PROVIDER_MODE: 'local',
      CURSOR_SECRET: 'x'.repeat(43),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
