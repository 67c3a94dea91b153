/**
 * Bundled in place of `postcss` (lib/lambda-bundling.ts `alias`). sanitize-html calls postcss
 * only to filter a `style` attribute that the allow-list let through; the rich-text rule
 * (lambdas/domain/rich-text.ts) allows no style attribute (only href, rel and target on `a`, and
 * none at all in the text walk), so no call reaches it. Were one to, this parse throws and
 * sanitize-html drops the attribute (its catch), which is what the allow-list asks anyway.
 * postcss with its source-map support is about 90 KiB of the conversations bundle.
 */
export function parse(): never {
  throw new Error('postcss is not bundled: style attributes are never allowed');
}

export default { parse };
