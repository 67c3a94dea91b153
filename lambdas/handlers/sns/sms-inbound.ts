/**
 * AWS End User Messaging two-way SMS: the SNS topic the phone number publishes inbound messages
 * to invokes this function (a Lambda subscription: AWS delivers it, no HTTP signature to check).
 * Each record's `Message` is parsed and handled like a Twilio inbound SMS. Locally
 * `POST /dev/sms-inbound` hands a payload to this same handler.
 */
import type { SNSEvent } from 'aws-lambda';
import { eumMessage } from '../../adapters/webhooks/webhook-edge.js';
import { logger } from '../../logger.js';
import { smsIntakeDeps, webhookMetrics } from '../../wiring/sms-inbound.js';

export async function handler(event: SNSEvent): Promise<void> {
  try {
    for (const record of event.Records) {
      logger.info('eum inbound', { messageId: record.Sns.MessageId });
      // A failure throws: Lambda retries the notification (stored once per inboundMessageId).
      await eumMessage(smsIntakeDeps, record.Sns.Message);
    }
  } finally {
    webhookMetrics.flush();
  }
}
