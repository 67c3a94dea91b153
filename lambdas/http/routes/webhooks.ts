/**
 * Inbound provider webhooks: no JWT (auth `webhook`), each verifies its provider's signature
 * over the raw request before anything is parsed or stored (401 `unauthorized` otherwise), and
 * takes what its provider sends. A destination no practice holds is acknowledged and counted.
 */
import { route } from '../route-record.js';
import * as z from '../schemas/zod.js';

const TwiML = z.doc(z.string(), { id: 'TwiML', description: 'An empty TwiML answer', example: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
const Challenge = z.doc(z.string(), { id: 'WebhookChallenge', description: 'The hub.challenge echoed', example: '1158201444' });

const Received = z.doc(z.object({ ok: z.literal(true) }), { id: 'WebhookReceived' });

const HandshakeQuery = z.doc(
  z.object({
    'hub.mode': z.optional(z.string().check(z.maxLength(64))),
    'hub.verify_token': z.optional(z.string().check(z.maxLength(256))),
    'hub.challenge': z.optional(z.string().check(z.maxLength(256))),
  }),
  { id: 'WhatsAppHandshakeQuery' },
);

export const webhookRoutes = {
  receiveSesNotification: route({
    method: 'POST',
    path: '/webhooks/ses',
    auth: 'webhook',
    summary:
      'Amazon SNS HTTPS subscription of the SES topics: SubscriptionConfirmation, inbound email (MIME inline or in S3) and SES delivery, bounce and complaint notifications. SNS signature v1 or v2 verified; configured topics only',
    tag: 'webhooks',
    success: { status: 204, description: 'Accepted (also for a destination no practice holds)' },
  }),
  receiveTwilioSms: route({
    method: 'POST',
    path: '/webhooks/sms/twilio',
    auth: 'webhook',
    summary: 'Twilio inbound SMS/MMS and status callbacks (form-encoded); X-Twilio-Signature verified over the public URL and every parameter',
    tag: 'webhooks',
    success: { status: 200, schema: TwiML, contentType: 'text/xml', description: 'An empty TwiML answer' },
  }),
  verifyWhatsAppWebhook: route({
    method: 'GET',
    path: '/webhooks/whatsapp',
    auth: 'webhook',
    summary: "Meta's verification handshake: echoes hub.challenge when hub.mode is subscribe and hub.verify_token is ours (403 forbidden otherwise)",
    tag: 'webhooks',
    query: HandshakeQuery,
    success: { status: 200, schema: Challenge, contentType: 'text/plain', description: 'The challenge' },
    errors: ['forbidden'],
  }),
  receiveWhatsAppNotification: route({
    method: 'POST',
    path: '/webhooks/whatsapp',
    auth: 'webhook',
    summary: 'WhatsApp Cloud API notifications: messages (text and media) and statuses; X-Hub-Signature-256 verified over the raw body',
    tag: 'webhooks',
    success: { status: 200, schema: Received, description: 'Accepted (also for a destination no practice holds)' },
  }),
};
