/**
 * What lives for one request and no longer: a scope an HTTP function opens around each event
 * (lambdas/http/http-function.ts). Reads cached in it (the caller's directory record read by
 * the auth step and again by the use case) are made once per request; outside a scope nothing
 * is cached. AsyncLocalStorage keeps concurrent requests apart (the local runtime serves many
 * in one process).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<Map<string, unknown>>();

export const inRequestScope = <T>(run: () => Promise<T>): Promise<T> => scope.run(new Map(), run);

/** The current request's cache, or undefined outside a request. */
export const requestCache = (): Map<string, unknown> | undefined => scope.getStore();
