/**
 * zod for the schema modules: `import * as z from './zod.js'`. A namespace import lets esbuild
 * keep only the parts of zod a bundle uses (`import { z }` would pull in all of zod, every
 * locale included: about 450 KiB instead of about 90).
 *
 * `.openapi()` metadata is read only when the OpenAPI document is generated (`npm run openapi`,
 * the tests, the local runtime): there zod-to-openapi's extension is applied. A Lambda bundle is
 * built with `__LAMBDA_BUNDLE__` defined (lib/constructs/handler-function.ts); it serves the
 * document generated at build time (docs/openapi.json), so `.openapi()` is a no-op there and
 * zod-to-openapi is not bundled.
 */
import type {} from '@asteasolutions/zod-to-openapi';
import { ZodType } from 'zod';

declare const __LAMBDA_BUNDLE__: boolean | undefined;

if (typeof __LAMBDA_BUNDLE__ !== 'undefined' && __LAMBDA_BUNDLE__) {
  // An enumerable property of the prototype: zod copies those onto every schema it creates.
  (ZodType.prototype as unknown as { openapi: () => unknown }).openapi = function openapi(this: ZodType) {
    return this;
  };
} else {
  const { extendZodWithOpenApi } = await import('@asteasolutions/zod-to-openapi');
  extendZodWithOpenApi({ ZodType } as Parameters<typeof extendZodWithOpenApi>[0]);
}

export * from 'zod';
