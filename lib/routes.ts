/**
 * The one route table. The CDK service stack turns each entry into an HTTP API route backed by
 * the function of its handler group; the local runtime serves the same entries by building
 * API Gateway v2 events and calling the same handler modules. Keep this file free of imports
 * from lambdas/: it is data, read by both worlds.
 */
export type HandlerGroup = 'meta' | 'directory' | 'conversations' | 'blocks' | 'contacts' | 'broadcasts';

export type RouteAuth = 'jwt' | 'none';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `/v1/staff/{id}`. */
  path: string;
  handler: HandlerGroup;
  auth: RouteAuth;
}

/** Entry module (relative to the repository root) of each handler group; exports `handler`. */
export const handlerEntries: Record<HandlerGroup, string> = {
  meta: 'lambdas/handlers/http/meta.ts',
  directory: 'lambdas/handlers/http/directory.ts',
  conversations: 'lambdas/handlers/http/conversations.ts',
  blocks: 'lambdas/handlers/http/blocks.ts',
  contacts: 'lambdas/handlers/http/contacts.ts',
  broadcasts: 'lambdas/handlers/http/broadcasts.ts',
};

const jwt = (method: Route['method'], path: string, handler: HandlerGroup): Route => ({
  method,
  path,
  handler,
  auth: 'jwt',
});
const open = (method: Route['method'], path: string, handler: HandlerGroup): Route => ({
  method,
  path,
  handler,
  auth: 'none',
});

export const routes: readonly Route[] = [
  open('GET', '/health', 'meta'),
  open('GET', '/v1/openapi.json', 'meta'),

  jwt('GET', '/v1/settings/practice', 'directory'),
  jwt('PATCH', '/v1/settings/practice', 'directory'),
  jwt('POST', '/v1/staff', 'directory'),
  jwt('GET', '/v1/staff', 'directory'),
  jwt('GET', '/v1/staff/{id}', 'directory'),
  jwt('PATCH', '/v1/staff/{id}', 'directory'),
  jwt('POST', '/v1/patients', 'directory'),
  jwt('GET', '/v1/patients', 'directory'),
  jwt('GET', '/v1/patients/{id}', 'directory'),
  jwt('PATCH', '/v1/patients/{id}', 'directory'),

  jwt('POST', '/v1/conversations', 'conversations'),
  jwt('GET', '/v1/conversations', 'conversations'),
  jwt('GET', '/v1/conversations/{id}', 'conversations'),
  jwt('PATCH', '/v1/conversations/{id}', 'conversations'),
  jwt('DELETE', '/v1/conversations/{id}', 'conversations'),
  jwt('POST', '/v1/conversations/{id}/read', 'conversations'),
  jwt('GET', '/v1/conversations/{id}/messages', 'conversations'),
  jwt('POST', '/v1/conversations/{id}/messages', 'conversations'),
  jwt('DELETE', '/v1/conversations/{id}/messages/{messageId}', 'conversations'),
  jwt('POST', '/v1/conversations/{id}/notes', 'conversations'),
  jwt('GET', '/v1/patients/{id}/notes', 'conversations'),
  jwt('POST', '/v1/call-logs', 'conversations'),
  jwt('GET', '/v1/patients/{id}/correspondence', 'conversations'),

  jwt('POST', '/v1/blocks', 'blocks'),
  jwt('GET', '/v1/blocks', 'blocks'),
  jwt('GET', '/v1/blocks/stats', 'blocks'),
  jwt('POST', '/v1/blocks/from-conversations', 'blocks'),
  jwt('GET', '/v1/blocks/{id}', 'blocks'),
  jwt('PATCH', '/v1/blocks/{id}', 'blocks'),
  jwt('DELETE', '/v1/blocks/{id}', 'blocks'),
  jwt('GET', '/v1/blocks/{id}/history', 'blocks'),
  jwt('POST', '/v1/patients/{id}/blocks', 'blocks'),

  // Static segments before parameter routes: the local server matches in order.
  jwt('POST', '/v1/contacts', 'contacts'),
  jwt('GET', '/v1/contacts', 'contacts'),
  jwt('POST', '/v1/contacts/block', 'contacts'),
  jwt('GET', '/v1/contacts/{id}', 'contacts'),
  jwt('PATCH', '/v1/contacts/{id}', 'contacts'),
  jwt('POST', '/v1/contacts/{id}/unblock', 'contacts'),
  jwt('GET', '/v1/contacts/{id}/history', 'contacts'),
  jwt('POST', '/v1/groups', 'contacts'),
  jwt('GET', '/v1/groups', 'contacts'),
  jwt('GET', '/v1/groups/{id}', 'contacts'),
  jwt('POST', '/v1/groups/{id}/members', 'contacts'),
  jwt('GET', '/v1/groups/{id}/members', 'contacts'),
  jwt('PATCH', '/v1/groups/{id}/chat', 'contacts'),
  jwt('GET', '/v1/settings/chat', 'contacts'),
  jwt('PATCH', '/v1/settings/chat', 'contacts'),

  jwt('POST', '/v1/broadcasts', 'broadcasts'),
  jwt('GET', '/v1/broadcasts/{id}', 'broadcasts'),
];

export const routeKey = (r: Pick<Route, 'method' | 'path'>): string => `${r.method} ${r.path}`;
