/**
 * Routes that exist only in the local runtime (never in the CDK stack): a token issuer standing
 * in for Cognito, fault injection for the local SMS/WhatsApp providers, a pause switch for the
 * stream consumers and the outbox of what was handed to providers. Every request body is
 * validated with zod and every refusal has the API's own problem+json shape.
 */
import { z } from 'zod';
import { issuesToFieldErrors } from '../../lambdas/http/validation.js';
import { readOutbox } from './outbox.js';
import type { TokenIssuer } from './token-issuer.js';

export interface DevRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}
export type DevRoute = (req: DevRequest) => Promise<{ status: number; body: unknown }>;

export interface DevRouteDeps {
  issuer: TokenIssuer;
  sesEndpoint: string;
  pauseStream: () => Promise<void>;
  resumeStream: () => void;
  /** Runs the delivery sweeper now (it also runs on a timer). */
  sweep: () => Promise<unknown>;
  /** Holds the delivery queue's consumer and the sweeper's timer (after their runs in flight end); resumeStream lets them go too. */
  pauseDeliveries?: () => Promise<void>;
  resumeDeliveries?: () => void;
}

const DevToken = z.strictObject({
  practiceId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/),
  sub: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/),
  role: z.enum(['admin', 'receptionist', 'provider', 'biller', 'patient']),
});

const rate = z.number().min(0).max(1);
const DevFaults = z.union([
  z.strictObject({
    channel: z.enum(['sms', 'whatsapp']),
    /** Aim the faults at one recipient (E.164), so parallel tests do not meet them. */
    to: z.string().optional(),
    faults: z.array(
      z.union([
        z.strictObject({ crashAfterSend: z.literal(true) }),
        z.strictObject({ timeoutAfterAccept: z.literal(true) }),
        z.strictObject({ ok: z.literal(false), retryable: z.boolean(), reason: z.string(), ambiguous: z.boolean().optional() }),
      ]),
    ),
  }),
  /** The next `count` dispatches to `to` crash after the claim, before the hand-over. */
  z.strictObject({ dispatcherCrash: z.strictObject({ to: z.string(), count: z.number().int().min(1).max(100) }) }),
  /** Random faults on every SMS/WhatsApp send and dispatch (null stops them); GET /dev/faults counts them. */
  z.strictObject({ rates: z.strictObject({ throttle: rate, timeoutAfterAccept: rate, dispatcherCrash: rate }).nullable() }),
]);

/** `deliveries: true` with `paused: true`: the delivery queue and the sweeper timer pause too (a benchmark counting one request's calls). */
const DevStream = z.strictObject({ paused: z.boolean(), deliveries: z.boolean().optional() });

/** End User Messaging's two-way SMS payload: the fields we read, any others passed on. */
const DevSmsInbound = z.looseObject({
  originationNumber: z.string().min(1).max(32),
  destinationNumber: z.string().min(1).max(32),
  messageBody: z.string().max(1600).optional(),
  inboundMessageId: z.string().min(1).max(128),
  messageKeyword: z.string().max(64).optional(),
});

const DevOutboxQuery = z.strictObject({ channel: z.string().optional(), to: z.string().optional() });

/** The one error shape: the API's problem+json `validation_failed`. */
const invalid = (detail: string, issues: readonly z.core.$ZodIssue[]) => ({
  status: 400,
  body: {
    type: 'https://docs.practice-messaging.dev/problems/validation_failed',
    title: 'Validation failed',
    status: 400,
    code: 'validation_failed',
    detail,
    errors: issuesToFieldErrors(issues),
  },
});

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return undefined;
  }
}

/** A dev route taking a JSON body checked by `schema`. */
const withBody =
  <S extends z.ZodType>(schema: S, usage: string, run: (input: z.infer<S>) => Promise<unknown>): DevRoute =>
  async (req) => {
    const parsed = schema.safeParse(jsonOf(req.body));
    if (!parsed.success) return invalid(usage, parsed.error.issues);
    return { status: 200, body: await run(parsed.data) };
  };

export function devRoutes(deps: DevRouteDeps): Record<string, DevRoute> {
  return {
    'POST /dev/token': withBody(DevToken, 'Send { practiceId, sub, role }.', async (input) => ({
      token: await deps.issuer.sign(input),
    })),
    /** Fault injection for the local SMS/WhatsApp providers (tests of retries and crashes). */
    'POST /dev/faults': withBody(DevFaults, 'Send { channel, to?, faults }, { dispatcherCrash: { to, count } } or { rates }.', async (input) => {
      const faults = await import('../../lambdas/adapters/providers/local-outbox.js');
      if ('rates' in input) faults.setLocalFaultRates(input.rates);
      else if ('dispatcherCrash' in input) faults.injectDispatcherCrashes(input.dispatcherCrash.to, input.dispatcherCrash.count);
      else faults.injectLocalFaults(input.channel, input.faults, input.to);
      return { ok: true };
    }),
    /** How many random faults were injected since the rates were set. */
    'GET /dev/faults': async () => {
      const { injectedLocalFaults } = await import('../../lambdas/adapters/providers/local-outbox.js');
      return { status: 200, body: injectedLocalFaults() };
    },
    /** Run the delivery sweeper now. */
    'POST /dev/sweep': async () => ({ status: 200, body: await deps.sweep() }),
    /** Pause or resume the local stream consumers (to queue work and change things before dispatch). */
    'POST /dev/stream': withBody(DevStream, 'Send { paused: boolean, deliveries?: boolean }.', async ({ paused, deliveries }) => {
      if (paused) {
        await deps.pauseStream();
        if (deliveries) await deps.pauseDeliveries?.();
      } else {
        deps.resumeStream();
        deps.resumeDeliveries?.();
      }
      return { paused };
    }),
    /** An AWS End User Messaging two-way SMS payload, handed to the function the SNS topic invokes on AWS. */
    'POST /dev/sms-inbound': withBody(DevSmsInbound, 'Send an End User Messaging two-way SMS payload { originationNumber, destinationNumber, messageBody, inboundMessageId, ... }.', async (payload) => {
      const { handler } = await import('../../lambdas/handlers/sns/sms-inbound.js');
      const at = new Date().toISOString();
      const Sns = { Type: 'Notification', MessageId: payload.inboundMessageId, TopicArn: 'arn:aws:sns:local:000000000000:sms-inbound', Subject: null, Message: JSON.stringify(payload), Timestamp: at };
      await handler({ Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'local', Sns }] } as unknown as Parameters<typeof handler>[0]);
      return { ok: true };
    }),
    'GET /dev/outbox': async (req) => {
      const parsed = DevOutboxQuery.safeParse(Object.fromEntries(req.query));
      if (!parsed.success) return invalid('Filter with channel and to.', parsed.error.issues);
      const { channel, to } = parsed.data;
      return { status: 200, body: await readOutbox(deps.sesEndpoint, { ...(channel ? { channel } : {}), ...(to ? { to } : {}) }) };
    },
  };
}
