/**
 * The local HTTP API: the routes of lib/routes.ts, served by turning each request into the
 * API Gateway v2 event (JWT claims included) that the deployed API would send, and calling the
 * same handler module. Unauthenticated or badly signed requests to JWT routes get API
 * Gateway's own 401. `/dev/*` routes exist only here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { routeMatcher } from '../../lambdas/http/route-match.js';
import { routes, routeKey, type FunctionName } from '../routes.js';
import type { DevRoute } from './dev-routes.js';
import type { TokenIssuer } from './token-issuer.js';

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const TEXTUAL = /^(application\/(json|x-www-form-urlencoded|xml|problem\+json)|text\/)/i;

function lambdaContext(functionName: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) {
  res.writeHead(status, headers);
  res.end(body);
}

export interface LocalServerOptions {
  port: number;
  loadHandler: (fn: FunctionName) => Promise<LambdaHandler>;
  issuer: TokenIssuer;
  devRoutes: Record<string, DevRoute>;
}

export function createLocalServer(options: LocalServerOptions): Server {
  const match = routeMatcher(routes);

  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const raw = await readBody(req);

      const dev = options.devRoutes[`${method} ${url.pathname}`];
      if (dev) {
        const out = await dev({ method, path: url.pathname, query: url.searchParams, body: raw.toString('utf8') });
        const problem = out.status >= 400;
        return send(res, out.status, { 'content-type': problem ? 'application/problem+json' : 'application/json' }, JSON.stringify(out.body));
      }

      const found = match(method, url.pathname);
      if (!('route' in found)) {
        // API Gateway answers unknown routes itself, before any function runs.
        return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: found.methodMismatch ? 'Method Not Allowed' : 'Not Found' }));
      }
      const { route, params: pathParameters } = found;
      let claims: Record<string, string> | null = null;
      if (route.auth === 'jwt') {
        claims = await options.issuer.verify(req.headers.authorization);
        if (!claims) return send(res, 401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, JSON.stringify({ message: 'Unauthorized' }));
      }

      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      }
      const query: Record<string, string> = {};
      for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
      const textual = raw.length === 0 || TEXTUAL.test(headers['content-type'] ?? 'application/json');
      const requestId = randomUUID();
      const now = new Date();

      const event = {
        version: '2.0',
        routeKey: routeKey(route),
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        headers,
        ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
        ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
        ...(raw.length > 0 ? { body: textual ? raw.toString('utf8') : raw.toString('base64') } : {}),
        isBase64Encoded: !textual,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: headers['host'] ?? 'localhost',
          domainPrefix: 'localhost',
          http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
          requestId,
          routeKey: routeKey(route),
          stage: '$default',
          time: now.toISOString(),
          timeEpoch: now.getTime(),
          ...(claims ? { authorizer: { jwt: { claims, scopes: null }, principalId: '', integrationLatency: 0 } } : {}),
        },
      } as unknown as APIGatewayProxyEventV2;

      const handler = await options.loadHandler(route.fn);
      const result = await handler(event, lambdaContext(`local-${route.fn}`, requestId));
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) outHeaders[k] = String(v);
      const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
      return send(res, result.statusCode ?? 200, outHeaders, body);
    } catch {
      // The handlers answer every error themselves; this is the gateway's own failure.
      return send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
}
