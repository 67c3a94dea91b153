/**
 * How every function is bundled (esbuild through CDK's NodejsFunction): one ES module for
 * Node 22, minified, everything bundled (AWS SDK included), the `createRequire` banner for the
 * CommonJS dependencies. `__LAMBDA_BUNDLE__` tells the code it runs from a bundle (the OpenAPI
 * document is the generated file, docs/openapi.json). The benchmark builds the same
 * way (bench/bundles.ts), the bare floor handler included.
 *
 * `alias`: the SDK clients' default credential provider (`@aws-sdk/credential-provider-node`, the
 * whole Node chain with its nested STS/SSO clients, about 90 KiB) is replaced by one that reads
 * the environment only (lib/bundling-stubs/credential-provider-env-only.ts): Lambda always puts
 * the role's credentials there. Paths are relative to the repository root, the working directory
 * of every build (CDK runs esbuild there; the benchmark sets it). sanitize-html's `postcss`
 * (style attributes, which the rich-text allow-list never lets through) is replaced by a stub
 * whose parse throws (lib/bundling-stubs/postcss-unused.ts); its `htmlparser2` by the package's
 * Parser module alone (not the DOM handler, utilities and serializer of the package's entry).
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  platform: 'node',
  minify: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  define: { __LAMBDA_BUNDLE__: 'true' },
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  alias: {
    '@aws-sdk/credential-provider-node': './lib/bundling-stubs/credential-provider-env-only.ts',
    postcss: './lib/bundling-stubs/postcss-unused.ts',
    htmlparser2: './lib/bundling-stubs/htmlparser2-parser-only.ts',
  },
} as const;

/** The aliases as esbuild command-line values (`--alias:name=path`), for CDK's `esbuildArgs`. */
export const aliasArgs = (): string[] => Object.entries(LAMBDA_BUNDLING.alias).map(([from, to]) => `${from}=${to}`);

/**
 * The same options for esbuild's JavaScript API (the benchmark's bundles and the bundled
 * rich-text test): `root` is the repository root, the aliases' base; `aliases: false` builds
 * without them (the benchmark's reference row).
 */
export const esbuildOptions = (root: string, { aliases = true }: { aliases?: boolean } = {}) => ({
  bundle: true,
  minify: LAMBDA_BUNDLING.minify,
  platform: LAMBDA_BUNDLING.platform,
  format: LAMBDA_BUNDLING.format,
  target: LAMBDA_BUNDLING.target,
  mainFields: [...LAMBDA_BUNDLING.mainFields],
  define: { ...LAMBDA_BUNDLING.define },
  banner: { js: LAMBDA_BUNDLING.banner },
  alias: aliases ? { ...LAMBDA_BUNDLING.alias } : {},
  absWorkingDir: root,
});
