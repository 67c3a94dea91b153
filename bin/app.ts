#!/usr/bin/env node
/**
 * CDK entry point (cdk.json: `npx tsx bin/app.ts`). Builds two env-agnostic stacks:
 *   PracticeMessaging-<stage>-Stateful   KMS key, DynamoDB table, attachments bucket, user pool,
 *                                        WhatsApp Cloud API token secret
 *   PracticeMessaging-<stage>-Service    HTTP API, Lambda functions, table stream consumers (one per
 *                                        entry of lib/stream-consumers.ts, each with a dead-letter
 *                                        queue), SES configuration set, alarms
 * and checks them with the cdk-nag HIPAA Security, AwsSolutions and Serverless packs: any
 * unacknowledged finding fails `cdk synth` / `cdk deploy`.
 *
 * Context keys (`-c key=value`, or the "context" block of cdk.json):
 *   stage               Stage name, 1-20 of [a-z0-9-].                 Default: dev
 *                       `prod`/`production`: log groups retained on delete, 365-day log retention,
 *                       termination protection on the stateful stack, and the production guard
 *                       rails: synth fails on mfa=optional, adminPasswordAuth=true, or a missing
 *                       or localhost authCallbackUrls / authLogoutUrls (docs/deploy.md).
 *   sesFromAddress      Sender of outbound email (SES_FROM_ADDRESS), a verified SES identity (the address
 *                       or its domain): the dispatcher may send as this address only.
 *                                                                       Default: no-reply@example.com
 *   alarmEmail          Email subscribed to the alarm SNS topic.        Default: none (no subscription)
 *   corsOrigins         Comma-separated allowed origins (https, or http://localhost).
 *                                                                       Default: none (CORS disabled)
 *   throttleBurstLimit  HTTP API default route burst limit.             Default: 200
 *   throttleRateLimit   HTTP API default route rate limit (req/s).      Default: 100
 *   logRetentionDays    Retention of every log group of both stacks: functions, stream consumers, the
 *                       Cognito trigger and the API access log (a CloudWatch Logs value: 1, 3, 5, 7, 14,
 *                       30, 60, 90, ..., 2192 = six years, the HIPAA audit horizon for the access log).
 *                                                                       Default: 365 for prod, 30 otherwise
 *   reservedConcurrency Reserved concurrency of each HTTP function.     Default: none (account pool)
 *                       (stream consumers are bounded by stream shards x parallelization factor)
 *   smsOriginationNumber  SMS origination number, E.164 (SMS_ORIGINATION_NUMBER of the delivery consumer).
 *                                                                       Default: empty (account default)
 *   whatsappPhoneNumberId WhatsApp Business phone number id of the WhatsApp Cloud API, digits
 *                       (WHATSAPP_PHONE_NUMBER_ID); the token goes into the stateful stack's secret.
 *                                                                       Default: empty (WhatsApp off)
 *   deliveryConcurrency Maximum concurrency of the delivery queue's consumer (2-1000): match the
 *                       provider's rate (about this many sends in flight).  Default: 5
 *   mfa                 Cognito MFA: required | optional (TOTP only; optional refused in production).
 *                                                                       Default: required
 *   adminPasswordAuth   ALLOW_ADMIN_USER_PASSWORD_AUTH on the app client (operators' smoke tests):
 *                       true | false; true is refused in production.    Default: true, false for prod
 *   authCallbackUrls    Comma-separated OAuth code-flow callback URLs.  Default: http://localhost:3000/auth/callback
 *                                                                       (production: none, must be given)
 *   authLogoutUrls      Comma-separated OAuth sign-out URLs.            Default: http://localhost:3000/
 *                                                                       (production: the callback URLs' origins)
 *   authDomainPrefix    Cognito hosted sign-in domain prefix (globally unique), needed for the
 *                       authorization code flow.                        Default: none (SRP sign-in only)
 *
 * Example: npx cdk deploy --all -c stage=prod -c alarmEmail=oncall@example.org -c corsOrigins=https://app.example.org \
 *            -c authCallbackUrls=https://app.example.org/auth/callback
 *
 * The app synthesizes cloud assembly schema 55 (aws-cdk-lib 2.276): it needs the aws-cdk CLI
 * 2.1148.1 or later in the 2.x line (the 3.0.0 release on npm only reads schema 43).
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/stacks/app.js';

buildApp(new App());
