import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/stacks/app.js';
import { functionEntries } from '../../lib/routes.js';
import { streamConsumers } from '../../lib/stream-consumers.js';

/**
 * The one test file that really bundles: every function of both stacks is built with the
 * esbuild installed in node_modules (never Docker), exactly as `cdk synth` / `cdk deploy` do.
 */
describe('function bundles', () => {
  const bundles = new Map<string, string>(); // function logical id -> asset directory

  beforeAll(() => {
    const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const outdir = mkdtempSync(join(tmpdir(), 'practice-messaging-bundles-'));
    const app = new App({ outdir, context: cdkJson.context });
    const { stateful, service } = buildApp(app);
    app.synth();
    for (const stack of [stateful, service]) {
      const assets = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8')) as {
        files: Record<string, { source: { path: string } }>;
      };
      const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
      for (const [id, fn] of Object.entries(functions)) {
        const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
        bundles.set(`${stack.stackName}/${id}`, join(outdir, assets.files[hash]!.source.path));
      }
    }
  });

  it('bundles every function (each HTTP function, each stream consumer, the delivery sweeper and the Cognito trigger)', () => {
    expect(bundles.size).toBe(Object.keys(functionEntries).length + streamConsumers.length + 1 + 1 + 1 + 1); // + the delivery queue's consumer, + End User Messaging's SMS subscriber
  });

  it('emits an ES module with the createRequire banner and a source map', () => {
    for (const [fn, dir] of bundles) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);"), fn).toBe(
        true,
      );
      expect(existsSync(join(dir, 'index.mjs.map')), fn).toBe(true);
    }
  });

  it('bundles all dependencies, AWS SDK included (imports only Node built-ins)', () => {
    const builtins = new Set(builtinModules);
    for (const [fn, dir] of bundles) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      const specifiers = [...code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'();]*?from\s*)?["']([^"']+)["']/g)].map((m) => m[1]!);
      expect(specifiers, fn).toContain('module'); // the banner: proves the scan sees imports
      const external = specifiers.filter((s) => !s.startsWith('node:') && !builtins.has(s));
      expect(external, fn).toEqual([]);
    }
  });

  it('ships no OpenAPI generator, no zod locale and, outside the delivery pipeline, no SQS or provider client (lean bundles)', () => {
    const deliveryPipeline = /Dispatcher|DeliveryQueue|Sweeper/i;
    let checked = 0;
    for (const [fn, dir] of bundles) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      // zod-to-openapi (no longer a dependency): the document is generated at build time (docs/openapi.json).
      expect(code.includes('please specify the OpenAPI type manually'), `${fn}: zod-to-openapi`).toBe(false);
      // `import { z } from 'zod'` pulls in the whole namespace, every locale with it; `import * as z` keeps what is used.
      expect(code.includes('אובייקט'), `${fn}: all of zod (its locales)`).toBe(false);
      // lib/lambda-bundling.ts aliases: the environment-only credential provider, no postcss.
      expect(code.includes('defaultProvider::fromSSO'), `${fn}: the SDK's Node credential chain`).toBe(false);
      expect(code.includes('CssSyntaxError'), `${fn}: postcss`).toBe(false);
      if (!deliveryPipeline.test(fn)) {
        expect(code.includes('"AmazonSQS"'), `${fn}: the SQS client`).toBe(false);
        expect(code.includes('SimpleEmailService_v2'), `${fn}: the SES client`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(Object.keys(functionEntries).length - 1);
  });

  it('only the delivery queue consumer carries a provider client, S3 and the mail composer: the stream dispatcher enqueues (SQS only), the sweeper re-enqueues', () => {
    const pipeline = [...bundles].filter(([fn]) => /Dispatcher|DeliveryQueue|Sweeper/i.test(fn));
    expect(pipeline.length).toBe(3);
    for (const [fn, dir] of pipeline) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      const sends = /DeliveryQueue/i.test(fn);
      expect(code.includes('"AmazonSQS"'), `${fn}: the SQS client`).toBe(true);
      expect(code.includes('SimpleEmailService_v2'), `${fn}: the SES client`).toBe(sends);
      expect(code.includes('AmazonS3'), `${fn}: the S3 client`).toBe(sends);
      expect(code.includes('File access rejected for '), `${fn}: nodemailer's MIME builder`).toBe(sends);
    }
  });

  it('carries no classic zod: route schemas, config, stream items, queue messages and webhook payloads are all zod/mini', () => {
    // Classic zod (~95 KiB, a third of an HTTP function's import) would otherwise ship in every
    // function; the OpenAPI document is generated from the mini schemas at build time.
    const classicZod = (code: string) => code.includes('"ZodObject"'); // a classic constructor name (mini: ZodMiniObject, core: $ZodObject)
    const mini = (code: string) => code.includes('"ZodMiniObject"');
    const pascal = (group: string) => group.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    const httpFunction = new RegExp(`/(${Object.keys(functionEntries).map(pascal).join('|')})HandlerFunction`); // lib/stacks/service-stack.ts ids
    const checked: string[] = [];
    let http = 0;
    for (const [fn, dir] of bundles) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      if (httpFunction.test(fn) && ++http) expect(mini(code), `${fn}: the marker moved? its route schemas are zod/mini`).toBe(true);
      expect(classicZod(code), `${fn}: classic zod`).toBe(false);
      checked.push(fn);
    }
    expect(http).toBe(Object.keys(functionEntries).length);
    for (const name of ['BlockVisibility', 'BroadcastFanout', 'ParticipantFanout', 'Dispatcher', 'DeliveryQueue', 'Sweeper', 'SmsInbound', 'ConversationsHandler']) {
      expect(checked.some((fn) => fn.includes(name)), `${name} checked: ${checked.join(', ')}`).toBe(true);
    }
  });

  it('carries libphonenumber-js (118 KiB) only in the functions that normalise or index phone numbers', () => {
    // The others read the directory, blocks and contacts by key (adapters/dynamo/directory-reader.ts,
    // active-blocks.ts, contact-reads.ts): their writes' search tokens are what format phones.
    const formatsPhones = /(Directory|AddressChecks|Blocks|Contacts|Channels|Webhooks)Handler|SmsInbound/;
    const lean: string[] = [];
    for (const [fn, dir] of bundles) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      const carries = code.includes('country_calling_codes') || code.includes('INVALID_COUNTRY');
      if (formatsPhones.test(fn)) expect(carries, `${fn}: the marker moved? it formats phones`).toBe(true);
      else {
        expect(carries, `${fn}: libphonenumber-js`).toBe(false);
        lean.push(fn);
      }
    }
    for (const name of ['ConversationsHandler', 'BroadcastsHandler', 'AttachmentsHandler', 'BlockVisibility', 'BroadcastFanout', 'Dispatcher']) {
      expect(lean.some((fn) => fn.includes(name)), `${name} checked`).toBe(true);
    }
    expect(lean.some((fn) => /(^|\/)InboundHandler/.test(fn)), 'the inbound HTTP function checked').toBe(true);
  });

  it('every bundle but the delivery pipeline stays within 1.5× of the SDK it needs (no more than 1.6 MB)', () => {
    // The benchmark (npm run bench -- bundles) compares each bundle with the bare one-GetItem handler;
    // this only guards against a regression back to the whole of zod or every client in every function.
    for (const [fn, dir] of bundles) {
      expect(readFileSync(join(dir, 'index.mjs')).length, fn).toBeLessThan(1_600_000);
    }
  });

  it('bundled HTTP functions load on Node (their zod/mini route schemas built at import), and meta serves the generated document', async () => {
    process.env['TABLE_NAME'] ??= 'bundling-test';
    // A few, not all: each import blocks the worker for a while on a busy machine.
    const sample = [...bundles].filter(([fn]) => /Meta|Directory|Conversations/i.test(fn));
    expect(sample.length).toBeGreaterThanOrEqual(3);
    for (const [fn, dir] of sample) {
      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
      expect(typeof mod.handler, fn).toBe('function');
    }
    const [, metaDir] = [...bundles].find(([fn]) => /Meta/i.test(fn))!;
    const meta = (await import(pathToFileURL(join(metaDir, 'index.mjs')).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const get = (path: string) =>
      meta.handler(
        { version: '2.0', routeKey: `GET ${path}`, rawPath: path, rawQueryString: '', headers: {}, requestContext: { requestId: 'r', http: { method: 'GET', path } }, isBase64Encoded: false },
        { awsRequestId: 'r', functionName: 'meta', getRemainingTimeInMillis: () => 1000 },
      );
    expect((await get('/health')).statusCode).toBe(200);
    const doc = await get('/v1/openapi.json');
    expect(doc.statusCode).toBe(200);
    expect(JSON.parse(doc.body)).toEqual(JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')));
  });

  it('the bundled Cognito trigger loads on Node and adds the tenant claims', async () => {
    const [, dir] = [...bundles].find(([fn]) => fn.includes('Stateful'))!;
    const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as {
      handler: (event: PreTokenGenerationV2TriggerEvent) => Promise<PreTokenGenerationV2TriggerEvent>;
    };
    const event = {
      triggerSource: 'TokenGeneration_Authentication',
      request: { userAttributes: { 'custom:practice_id': 'prac_1', 'custom:role': 'admin' }, groupConfiguration: {} },
      response: { claimsAndScopeOverrideDetails: null },
    } as unknown as PreTokenGenerationV2TriggerEvent;
    const result = await mod.handler(event);
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      practice_id: 'prac_1',
      role: 'admin',
    });
  });
});
