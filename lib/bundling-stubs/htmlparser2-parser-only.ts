/**
 * Bundled in place of `htmlparser2` (lib/lambda-bundling.ts `alias`): sanitize-html uses only its
 * `Parser` (`new htmlparser.Parser(...)`), but the package's entry also loads the DOM handler,
 * DOM utilities and serializer, and with them the entity encoder (about 45 KiB). This is the
 * same Parser module, reached by path because the package exports no subpath for it.
 */
export { Parser } from '../../node_modules/htmlparser2/lib/esm/Parser.js';
