/**
 * The local runtime: emulators, the table, the token issuer and the HTTP server, started
 * together and stopped together. Handler modules read their configuration at import, so this
 * sets the environment first and imports them after (one runtime per process).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functionEntries, type FunctionName } from '../routes.js';
import { devRoutes } from './dev-routes.js';
import { LOCAL_WEBHOOK_DEFAULTS } from '../../lambdas/adapters/webhooks/local-defaults.js';
import { freePort, localCredentials, startDynamoDb, startS3, startSes, type Running } from './emulators.js';
import { createLocalServer, type LambdaHandler } from './server.js';
import { ensureTable } from './table.js';
import { createTokenIssuer, type TokenIssuer } from './token-issuer.js';
import { seedDemoPractice, type DemoUser } from './seed.js';
import { startStreamPoller, type StreamHandler } from './stream-poller.js';
import { startSweeper } from './sweeper-timer.js';
import { streamConsumers } from '../stream-consumers.js';
import { startLocalQueue, type QueueHandler } from './local-queue.js';
import { DEFAULT_DELIVERY_CONCURRENCY, DELIVERY_BATCH_SIZE, DELIVERY_CONSUMER_ENTRY } from '../delivery-queue-consumer.js';

export interface LocalOptions {
  /** 0 picks a free port. */
  port: number;
  dynamoPort: number;
  s3Port: number;
  sesPort: number;
  /** Keep DynamoDB and S3 data in this folder; in memory (and a temp folder) when absent. */
  dataDir?: string | undefined;
  seed: boolean;
  logLevel?: string;
  /** The delivery lease (DELIVERY_LEASE_SECONDS); short locally so the sweeper's work shows in seconds. Default 10. */
  deliveryLeaseSeconds?: number;
  /** How often the delivery sweeper runs (every minute on AWS). Default 1000 ms. */
  sweepIntervalMs?: number;
  /** Concurrent batches of the delivery queue's consumer (`deliveryConcurrency` on AWS). Default 5. */
  deliveryConcurrency?: number;
}

export interface LocalRuntime {
  url: string;
  issuer: TokenIssuer;
  demoUsers: DemoUser[];
  endpoints: { dynamodb: string; s3: string; ses: string };
  tableName: string;
  stop: () => Promise<void>;
}

const root = resolve(import.meta.dirname, '../..');
const TABLE_NAME = 'practice-messaging-local';
const BUCKET = 'practice-messaging-attachments-local';

export async function startLocal(options: LocalOptions): Promise<LocalRuntime> {
  const pick = async (p: number) => (p === 0 ? freePort() : p);
  const [port, dynamoPort, s3Port, sesPort] = await Promise.all([
    pick(options.port),
    pick(options.dynamoPort),
    pick(options.s3Port),
    pick(options.sesPort),
  ]);

  const started: Running[] = [];
  const tempDir = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'practice-messaging-'));
  const stopAll = async () => {
    for (const r of started.reverse()) await r.stop().catch(() => undefined);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    let dynamoDir: string | undefined;
    let s3Dir = join(tempDir ?? '', 's3');
    if (options.dataDir) {
      dynamoDir = resolve(options.dataDir, 'dynamodb');
      s3Dir = resolve(options.dataDir, 's3');
      mkdirSync(dynamoDir, { recursive: true });
    }
    mkdirSync(s3Dir, { recursive: true });

    const [dynamo, s3, ses] = await Promise.all([
      startDynamoDb(dynamoPort, dynamoDir).then((r) => (started.push(r), r)),
      startS3(s3Port, s3Dir, [BUCKET]).then((r) => (started.push(r), r)),
      startSes(sesPort).then((r) => (started.push(r), r)),
    ]);

    Object.assign(process.env, {
      TABLE_NAME,
      ATTACHMENTS_BUCKET: BUCKET,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      S3_ENDPOINT: s3.endpoint,
      SES_ENDPOINT: ses.endpoint,
      STAGE: 'local',
      PROVIDER_MODE: 'local',
      SES_FROM_ADDRESS: 'no-reply@practice-messaging.local',
      // List cursors are sealed with a key derived from this: a new one every run (old cursors end).
      CURSOR_SECRET: randomBytes(32).toString('base64url'),
      POWERTOOLS_SERVICE_NAME: 'practice-messaging',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      DELIVERY_LEASE_SECONDS: String(options.deliveryLeaseSeconds ?? process.env.DELIVERY_LEASE_SECONDS ?? 10),
      // Webhooks: the secrets (printed defaults), and the base of the URL Twilio signatures cover.
      TWILIO_AUTH_TOKEN: process.env.TWILIO_AUTH_TOKEN ?? LOCAL_WEBHOOK_DEFAULTS.TWILIO_AUTH_TOKEN,
      WHATSAPP_APP_SECRET: process.env.WHATSAPP_APP_SECRET ?? LOCAL_WEBHOOK_DEFAULTS.WHATSAPP_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: process.env.WHATSAPP_VERIFY_TOKEN ?? LOCAL_WEBHOOK_DEFAULTS.WHATSAPP_VERIFY_TOKEN,
      PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
    });

    const admin = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: localCredentials });
    await ensureTable(admin, TABLE_NAME);
    admin.destroy();

    // The delivery queue (SQS on AWS): the dispatcher enqueues, this hands batches to the queue consumer.
    const deliveries = startLocalQueue({
      handler: () => import(pathToFileURL(join(root, DELIVERY_CONSUMER_ENTRY)).href).then((m: { handler: QueueHandler }) => m.handler),
      maxConcurrency: options.deliveryConcurrency ?? DEFAULT_DELIVERY_CONCURRENCY,
      batchSize: DELIVERY_BATCH_SIZE,
      visibilityTimeoutMs: 30_000,
    });
    started.push({ endpoint: 'delivery-queue', port: 0, stop: () => deliveries.stop() });

    const poller = await startStreamPoller({
      endpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      consumers: streamConsumers.map((consumer) => ({
        consumer,
        handler: () =>
          import(pathToFileURL(join(root, consumer.entry)).href).then((m: { handler: StreamHandler }) => m.handler),
      })),
    });
    started.push({ endpoint: 'stream', port: 0, stop: () => poller.stop() });
    const sweeper = startSweeper(root, options.sweepIntervalMs ?? 1000);
    started.push({ endpoint: 'sweeper', port: 0, stop: () => sweeper.stop() });

    const url = `http://127.0.0.1:${port}`;
    const issuer = await createTokenIssuer(`${url}/dev`);
    const handlers = new Map<FunctionName, Promise<LambdaHandler>>();
    const loadHandler = (group: FunctionName) => {
      let h = handlers.get(group);
      if (!h) {
        h = import(pathToFileURL(join(root, functionEntries[group])).href).then((m: { handler: LambdaHandler }) => m.handler);
        handlers.set(group, h);
      }
      return h;
    };

    const dev = devRoutes({
      issuer,
      sesEndpoint: ses.endpoint,
      pauseStream: () => poller.pause(),
      resumeStream: () => poller.resume(),
      sweep: () => sweeper.runNow(),
      pauseDeliveries: async () => {
        await Promise.all([deliveries.pause(), sweeper.pause()]);
      },
      resumeDeliveries: () => {
        deliveries.resume();
        sweeper.resume();
      },
    });

    const server = createLocalServer({ port, loadHandler, issuer, devRoutes: dev });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolveListen());
    });
    const actualPort = (server.address() as AddressInfo).port;
    started.push({
      endpoint: url,
      port: actualPort,
      stop: () => new Promise<void>((r) => server.close(() => r())),
    });
    server.keepAliveTimeout = 1000;

    const demoUsers = options.seed ? await seedDemoPractice(url, issuer) : [];

    return {
      url,
      issuer,
      demoUsers,
      endpoints: { dynamodb: dynamo.endpoint, s3: s3.endpoint, ses: ses.endpoint },
      tableName: TABLE_NAME,
      stop: async () => {
        server.closeAllConnections();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
