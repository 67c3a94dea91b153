import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';

/** The context block of cdk.json (feature flags), read once. */
const cdkContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

/** A CDK App with the context of cdk.json plus `extra`, bundling skipped, synthesizing into a fresh temporary folder. */
export function newApp(extra: Record<string, unknown> = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'practice-messaging-infra-'));
  return new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...extra } });
}

/** Context of a production stage that passes every production guard rail. */
export const production = {
  stage: 'prod',
  authCallbackUrls: 'https://app.example.org/auth/callback',
} as const;
