/**
 * zod for the schema modules: `import * as z from './zod.js'` — zod's `mini` build, whose schemas
 * are plain data with functions beside them (`z.optional(s)`, `s.check(z.maxLength(300))`), so a
 * bundle carries only the parts it uses and builds its schemas quickly at import. Classic zod
 * attaches every method to every schema it creates: about 95 KiB in each HTTP function and a third
 * of its import time (docs/performance.md, issue 13).
 *
 * What the OpenAPI document says beyond the types is written `z.doc(schema, { id, description,
 * example, format })`: zod's own metadata (`.check(z.meta(...))`, in zod's global registry), where
 * `id` makes the schema a named component (lambdas/http/openapi.ts, `z.toJSONSchema`). A Lambda
 * bundle serves the document generated at build time (docs/openapi.json), so there `z.doc` is the
 * schema itself: no metadata copy of every described schema built at import.
 *
 * Messages are zod's English ones (the mini build ships without a locale: "Invalid input" for
 * everything), set once here for every zod/mini schema of the process.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';

declare const __LAMBDA_BUNDLE__: boolean | undefined;
const inBundle = typeof __LAMBDA_BUNDLE__ !== 'undefined' && __LAMBDA_BUNDLE__;

/** What the OpenAPI document says of a schema (a named component with `id`); nothing in a Lambda bundle. */
export function doc<T extends z.ZodMiniType>(schema: T, meta: { id?: string; description?: string; example?: unknown; format?: string }): T {
  return inBundle ? schema : schema.check(z.meta(meta));
}
