/**
 * Every route record, by the Lambda function that serves it. Read by the OpenAPI document, the
 * CDK service stack and the local server (through lib/routes.ts); each handler module serves
 * the records of its own function. A new function is one entry here and one handler module.
 */
import type { RouteSpec } from '../route-record.js';
import { attachmentRoutes } from './attachments.js';
import { blockRoutes } from './blocks.js';
import { broadcastRoutes } from './broadcasts.js';
import { contactRoutes } from './contacts.js';
import { conversationRoutes } from './conversations.js';
import { directoryRoutes } from './directory.js';
import { draftRoutes } from './drafts.js';
import { metaRoutes } from './meta.js';
import { channelRoutes } from './channels.js';
import { webhookRoutes } from './webhooks.js';
import { inboundRoutes } from './inbound.js';

export const routesByFunction = {
  meta: metaRoutes,
  directory: directoryRoutes,
  conversations: { ...conversationRoutes, ...draftRoutes },
  blocks: blockRoutes,
  contacts: contactRoutes,
  broadcasts: broadcastRoutes,
  channels: channelRoutes,
  webhooks: webhookRoutes,
  attachments: attachmentRoutes,
  inbound: inboundRoutes,
} satisfies Record<string, Record<string, RouteSpec>>;

/** The Lambda function a route belongs to; its entry is `lambdas/handlers/http/<fn>.ts`. */
export type FunctionName = keyof typeof routesByFunction;

/** A route record as the rest of the code sees it: the spec plus its name and function. */
export interface Route extends RouteSpec {
  operationId: string;
  fn: FunctionName;
}

export const routes: readonly Route[] = Object.entries(routesByFunction).flatMap(([fn, records]) =>
  Object.entries(records as Record<string, RouteSpec>).map(([operationId, spec]) => ({ ...spec, operationId, fn: fn as FunctionName })),
);

/** Entry module (relative to the repository root) of each function; it exports `handler`. */
export const functionEntries = Object.fromEntries(
  Object.keys(routesByFunction).map((fn) => [fn, `lambdas/handlers/http/${fn}.ts`]),
) as Record<FunctionName, string>;
