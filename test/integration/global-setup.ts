/**
 * Starts one local runtime (DynamoDB Local, S3 and SES emulators, the HTTP API) on free ports
 * for the whole integration run, and hands its URL to the tests.
 */
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocal, type LocalRuntime } from '../../lib/local/runtime.js';

let runtime: LocalRuntime | undefined;

export async function setup(project: TestProject) {
  // Webhook tests sign SNS messages with the throwaway key; the runtime takes its certificate for any SNS URL.
  process.env.SNS_SIGNING_CERT_FILE ??= resolve(import.meta.dirname, '../fixtures/webhooks/test-cert.pem');
  runtime = await startLocal({ port: 0, dynamoPort: 0, s3Port: 0, sesPort: 0, seed: false, logLevel: 'ERROR' });
  project.provide('baseUrl', runtime.url);
  project.provide('endpoints', runtime.endpoints);
}

export async function teardown() {
  await runtime?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    endpoints: { dynamodb: string; s3: string; ses: string };
  }
}
