/**
 * The webhook edge's provider-facing pieces, built from configuration: secrets (Secrets Manager
 * on AWS, never a local default there; the environment locally), the SNS verifier (AWS's
 * certificates fetched and cached on AWS; `SNS_SIGNING_CERT_FILE` locally), subscription
 * confirmation (a GET of the SubscribeURL on AWS; recorded locally), the inbound mail bucket
 * reader and the media fetchers. The composition root (lambdas/wiring.ts) adds the sink and the
 * destination router.
 */
import { readFileSync } from 'node:fs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Config } from '../../config.js';
import { logger } from '../../logger.js';
import { secretToken } from '../providers/secret-token.js';
import type { WebhookEdgeDeps, WebhookSecrets } from './webhook-edge.js';
import { fetchedCertificate, fileCertificate, isSnsUrl, snsVerifier } from './sns-verifier.js';
import { graphMediaFetch } from './whatsapp-payload.js';

import { LOCAL_WEBHOOK_DEFAULTS } from './local-defaults.js';

const none = async () => '';

function webhookSecrets(config: Config): WebhookSecrets {
  if (config.PROVIDER_MODE === 'local') {
    return {
      twilioAuthToken: async () => config.TWILIO_AUTH_TOKEN ?? LOCAL_WEBHOOK_DEFAULTS.TWILIO_AUTH_TOKEN,
      whatsappAppSecret: async () => config.WHATSAPP_APP_SECRET ?? LOCAL_WEBHOOK_DEFAULTS.WHATSAPP_APP_SECRET,
      whatsappVerifyToken: async () => config.WHATSAPP_VERIFY_TOKEN ?? LOCAL_WEBHOOK_DEFAULTS.WHATSAPP_VERIFY_TOKEN,
    };
  }
  // On AWS a missing secret is an empty one: every signature fails (401), nothing falls back to a default.
  const twilio = config.TWILIO_AUTH_TOKEN_SECRET_ID;
  const whatsapp = config.WHATSAPP_WEBHOOK_SECRET_ID;
  return {
    twilioAuthToken: twilio ? secretToken({ secretId: twilio }) : none,
    whatsappAppSecret: whatsapp ? secretToken({ secretId: whatsapp, jsonKey: 'appSecret' }) : none,
    whatsappVerifyToken: whatsapp ? secretToken({ secretId: whatsapp, jsonKey: 'verifyToken' }) : none,
  };
}

/** Subscriptions the local runtime was asked to confirm (it fetches nothing). */
export const recordedSubscriptions: { topicArn: string; subscribeUrl: string }[] = [];

/** The URL Twilio called: `PUBLIC_BASE_URL` locally, the API's own domain on AWS; path and query as received. */
export function publicUrlOf(config: Config, event: APIGatewayProxyEventV2): string {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const base = config.PROVIDER_MODE === 'local' ? (config.PUBLIC_BASE_URL ?? 'http://127.0.0.1') : `https://${event.requestContext.domainName}`;
  return `${base.replace(/\/+$/, '')}${event.rawPath}${query}`;
}

export function webhookEdgeDeps(config: Config, base: Pick<WebhookEdgeDeps, 'sink' | 'route' | 'metrics'>): WebhookEdgeDeps {
  const local = config.PROVIDER_MODE === 'local';
  const certificate = local && config.SNS_SIGNING_CERT_FILE ? fileCertificate(readFileSync(config.SNS_SIGNING_CERT_FILE, 'utf8')) : fetchedCertificate();
  const topics = config.SNS_TOPIC_ARNS.split(',').map((t) => t.trim()).filter(Boolean);
  const s3 = new S3Client({
    region: config.AWS_REGION,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {}),
  });
  const whatsappToken = config.WHATSAPP_TOKEN_SECRET_ID && !local ? secretToken({ secretId: config.WHATSAPP_TOKEN_SECRET_ID }) : undefined;
  return {
    ...base,
    secrets: webhookSecrets(config),
    verifySns: snsVerifier({ certificate, topics, anyTopicWhenEmpty: local }),
    confirmSubscription: async (subscribeUrl, topicArn) => {
      if (!isSnsUrl(subscribeUrl)) return;
      if (local) {
        recordedSubscriptions.push({ topicArn, subscribeUrl });
        return;
      }
      const res = await fetch(subscribeUrl, { redirect: 'error', signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`subscription confirmation ${res.status}`);
    },
    loadObject: async (bucket, key) => {
      if (config.INBOUND_EMAIL_BUCKET && bucket !== config.INBOUND_EMAIL_BUCKET) {
        logger.warn('inbound mail in an unexpected bucket');
        return new Uint8Array();
      }
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body ? out.Body.transformToByteArray() : new Uint8Array();
    },
    fetch: globalThis.fetch,
    whatsappMedia: whatsappToken ? graphMediaFetch({ accessToken: () => whatsappToken() }) : async () => null,
    now: () => new Date(),
  };
}
