/**
 * What a function that sends through the providers needs: its environment (configuration set,
 * origination number, WhatsApp secret and number) and exactly each channel's provider action.
 * Used by the dispatcher's stream consumer and by the delivery sweeper (which dispatches again).
 */
import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { HandlerFunction } from './handler-function.js';

export interface EmailSending {
  /** The configured sender (`sesFromAddress`): its address and domain identities are the only ones allowed. */
  readonly fromAddress: string;
  readonly configurationSet: IConfigurationSet;
}

export interface SmsSending {
  /** Origination number (E.164), or '' for the account default. */
  readonly originationNumber: string;
}

export interface WhatsAppSending {
  /** The one secret holding the WhatsApp Cloud API access token. */
  readonly tokenSecret: ISecret;
  /** WhatsApp Business phone number id, or '' while WhatsApp is not set up. */
  readonly phoneNumberId: string;
}

export interface Sending {
  readonly email?: EmailSending | undefined;
  readonly sms?: SmsSending | undefined;
  readonly whatsapp?: WhatsAppSending | undefined;
}

/** The environment a sender needs for the channels given. */
export function sendingEnvironment(sending: Sending): Record<string, string> {
  const environment: Record<string, string> = {};
  if (sending.email) environment.SES_CONFIGURATION_SET = sending.email.configurationSet.configurationSetName;
  if (sending.sms) environment.SMS_ORIGINATION_NUMBER = sending.sms.originationNumber;
  if (sending.whatsapp) {
    environment.WHATSAPP_TOKEN_SECRET_ID = sending.whatsapp.tokenSecret.secretArn;
    environment.WHATSAPP_PHONE_NUMBER_ID = sending.whatsapp.phoneNumberId;
  }
  return environment;
}

/** Why a sending function runs outside a VPC. */
export function sendingNoVpcReason(sending: Sending): string {
  const { email, sms, whatsapp } = sending;
  return `Besides AWS public endpoints (DynamoDB, KMS, X-Ray, CloudWatch Logs${email ? ', SES' : ''}${sms ? ', SNS' : ''}${whatsapp ? ', Secrets Manager' : ''}) reached over TLS with SigV4/IAM auth${whatsapp ? ', it calls the WhatsApp Cloud API (graph.facebook.com) on the internet over TLS' : ''}; it reaches no private network resource, so a VPC would only add a NAT gateway for that same egress, cost and cold-start latency.`;
}

/** Each channel's provider action, least privilege. */
export function grantSending(handler: HandlerFunction, sending: Sending): void {
  if (sending.email) grantEmail(handler, sending.email);
  if (sending.sms) grantSms(handler);
  if (sending.whatsapp) {
    handler.addToPolicy(
      new PolicyStatement({
        sid: 'ReadWhatsAppToken',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [sending.whatsapp.tokenSecret.secretArn],
      }),
    );
  }
}

/**
 * ses:SendEmail only as the configured sender: on its identity (the address, or its domain
 * when the domain is what the operator verified) and the stage's configuration set, and only
 * with that From address.
 */
function grantEmail(handler: HandlerFunction, email: EmailSending): void {
  const stack = Stack.of(handler);
  const domain = email.fromAddress.slice(email.fromAddress.lastIndexOf('@') + 1);
  const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
  handler.addToPolicy(
    new PolicyStatement({
      sid: 'SendEmailAsConfiguredSender',
      actions: ['ses:SendEmail'],
      resources: [
        identity(email.fromAddress),
        identity(domain),
        stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: email.configurationSet.configurationSetName }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': email.fromAddress } },
    }),
  );
}

/**
 * SMS through SNS Publish to a phone number. Such a publish names no resource, so the Allow
 * must be on "*"; a Deny on every SNS ARN (topics and platform endpoints) takes the rest back,
 * leaving direct-to-phone publishes only.
 */
function grantSms(handler: HandlerFunction): void {
  const { partition } = Stack.of(handler);
  handler.addToPolicy(
    new PolicyStatement({
      sid: 'PublishSmsToPhoneNumbers',
      actions: ['sns:Publish', 'sns:CheckIfPhoneNumberIsOptedOut'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'NoPublishToTopicsOrEndpoints',
      effect: Effect.DENY,
      actions: ['sns:Publish'],
      resources: [`arn:${partition}:sns:*:*:*`],
    }),
  );
  handler.acknowledgeWildcardResource(
    'SMS goes out through SNS Publish with a PhoneNumber, which has no resource ARN to scope to, and CheckIfPhoneNumberIsOptedOut supports no resource-level permissions, so both need "*"; an explicit Deny of sns:Publish on every SNS ARN (arn:<partition>:sns:*:*:*) in the same policy removes publishing to any topic or platform endpoint.',
  );
}
