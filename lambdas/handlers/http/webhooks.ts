/** Inbound provider webhooks: verify, parse, hand to the inbound use cases (adapters/webhooks/webhook-edge.ts). */
import * as edge from '../../adapters/webhooks/webhook-edge.js';
import { publicUrlOf } from '../../adapters/webhooks/edge-deps.js';
import { config } from '../../config.js';
import { httpFunction } from '../../http/http-function.js';
import { webhookRoutes } from '../../http/routes/webhooks.js';
import { webhookDeps as deps, webhookMetrics } from '../../webhook-wiring.js';

const serve = httpFunction(webhookRoutes, {
  receiveSesNotification: ({ rawBody }) => edge.sesWebhook(deps, rawBody),
  receiveTwilioSms: ({ event, rawBody, headers }) => edge.twilioWebhook(deps, publicUrlOf(config, event), rawBody, headers['x-twilio-signature']),
  verifyWhatsAppWebhook: ({ query }) => edge.whatsappVerification(deps, query),
  receiveWhatsAppNotification: ({ rawBody, headers }) => edge.whatsappWebhook(deps, rawBody, headers['x-hub-signature-256']),
});

export const handler: typeof serve = Object.assign(async (...args: Parameters<typeof serve>) => {
  try {
    return await serve(...args);
  } finally {
    webhookMetrics.flush();
  }
}, serve);
