/**
 * How every function is bundled (esbuild through CDK's NodejsFunction): one ES module for
 * Node 22, minified, everything bundled (AWS SDK included), the `createRequire` banner for the
 * CommonJS dependencies. `__LAMBDA_BUNDLE__` tells the code it runs from a bundle (the OpenAPI
 * document is the generated file; zod's `.openapi()` is a no-op). The benchmark builds the same
 * way (bench/bundles.ts), the bare floor handler included.
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  platform: 'node',
  minify: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  define: { __LAMBDA_BUNDLE__: 'true' },
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;
