/**
 * The only place that writes error bodies: DomainErrors keep their code and detail; anything
 * unexpected becomes a generic 500 that is logged (without PHI) and never echoed.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors.js';
import { logger } from '../logger.js';
import type { HttpResponse } from './responses.js';

const PROBLEM_BASE = 'https://docs.practice-messaging.dev/problems/';

export function problemResponse(error: DomainError): HttpResponse {
  return {
    statusCode: error.status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: `${PROBLEM_BASE}${error.code}`,
      title: error.title,
      status: error.status,
      code: error.code,
      detail: error.detail,
      ...(error.errors ? { errors: error.errors } : {}),
      ...error.extra,
    }),
  };
}

export function toProblem(error: unknown): HttpResponse {
  if (error instanceof DomainError) return problemResponse(error);
  logger.error('unhandled error', {
    errorName: error instanceof Error ? error.name : typeof error,
    // Frames only: the first line of a stack repeats the message, which may carry PHI.
    frames: error instanceof Error ? error.stack?.split('\n').slice(1).join('\n') : undefined,
  });
  return problemResponse(
    new DomainError({
      status: 500,
      code: 'internal_error',
      title: 'Internal error',
      detail: 'Something went wrong on our side. The request can be retried.',
    }),
  );
}

export function problemErrors(): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      request.response = toProblem(request.error);
    },
  };
}
