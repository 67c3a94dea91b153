import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

process.env.TABLE_NAME ??= 'unit';
const { httpFunction } = await import('../../../lambdas/http/http-function.js');
const { route } = await import('../../../lambdas/http/route-record.js');

const records = {
  twiml: route({
    method: 'POST',
    path: '/webhooks/xml',
    auth: 'webhook',
    summary: 'TwiML',
    tag: 'webhooks',
    success: { status: 200, schema: z.string(), contentType: 'text/xml' },
  }),
};
const handler = httpFunction(records, { twiml: async () => '<Response/>' });
const context = { functionName: 'unit', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

describe('a route whose record names a non-JSON content type', () => {
  it('answers the text its implementation returns, with that content type, unquoted', async () => {
    const event = {
      version: '2.0',
      routeKey: 'POST /webhooks/xml',
      rawPath: '/webhooks/xml',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
      isBase64Encoded: false,
      requestContext: { requestId: 'r' },
    } as unknown as APIGatewayProxyEventV2;
    const res = (await handler(event, context)) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.body).toBe('<Response/>');
  });
});
