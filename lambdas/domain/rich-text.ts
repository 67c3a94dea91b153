/**
 * Rich text (API.md, Conversations and messages: "Rich text"). With `bodyFormat: "html"` the body
 * is sanitised by `sanitize-html` against the contract's allow-list (never by hand-written
 * expressions over HTML), and the message keeps two parts: `html` (the sanitised markup) and
 * `body` (its text, for the length rules, SMS, WhatsApp and the text part of an email).
 *
 * The allow-list: paragraphs, line breaks, bold (b, strong), italic (i, em), underline (u),
 * strike (s, strike, del), lists (ul, ol, li), links (a with an absolute http, https or mailto
 * href; each gets rel="noopener noreferrer" and target="_blank"), block quotes, headings (h1-h6)
 * and code (code, pre). No other attribute survives: no style, class, id or event handler.
 * A disallowed element is dropped and its text kept (a block container such as a div becomes a
 * paragraph, so pasted mail keeps its lines), except where its content is not message
 * text (scripts, styles, embedded documents and objects, SVG and MathML, form fields, the
 * document head): those go with all they contain.
 *
 * Lengths: the raw markup is at most 50,000 characters (MAX_HTML_INPUT); the text derived from
 * the sanitised markup is what the body rules count (1-10,000; at least 10 on portal and email);
 * the sanitised markup is at most 100,000 bytes in UTF-8 (links gain their rel and target; the
 * message item, the idempotent answer and any copy must stay well inside DynamoDB's 400 KB).
 *
 * sanitize-html is heavy: only the conversations and drafts functions import this module.
 */
import sanitizeHtml from 'sanitize-html';
import { validationFailed } from './errors.js';

export type BodyFormat = 'text' | 'html';

/** The longest raw HTML body accepted, in characters (the text it holds is held to 10,000). */
export const MAX_HTML_INPUT = 50_000;
/** The largest sanitised HTML kept, in UTF-8 bytes. */
export const MAX_HTML_OUTPUT_BYTES = 100_000;

export const ALLOWED_TAGS: readonly string[] = [
  'p', 'br',
  'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del',
  'ul', 'ol', 'li',
  'a',
  'blockquote',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'code', 'pre',
];

/** The only attributes that survive, all on `a`, all set by the sanitiser itself. */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = { a: ['href', 'rel', 'target'] };
export const ALLOWED_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];

/**
 * Disallowed elements whose content goes with them: not message text (code, styles, fallback
 * content of embedded things, form options, the head of a pasted document).
 */
const DROPPED_WITH_CONTENT = [
  'script', 'style', 'noscript', 'template', 'xmp', 'plaintext', 'noembed', 'noframes',
  'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'svg', 'math',
  'textarea', 'select', 'option', 'datalist',
  'head', 'title', 'meta', 'link', 'base',
];

/** Disallowed block elements read as paragraphs (their attributes go: a paragraph has none). */
const BLOCK_CONTAINERS = ['div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'address', 'center', 'figure', 'figcaption', 'tr', 'dt', 'dd'];

/**
 * The href a link keeps: absolute http(s) or mailto only, as the WHATWG URL parser (what a
 * browser uses) reads it, so spaces, tabs, newlines and entities inside a scheme cannot hide
 * `javascript:`. Relative and protocol-relative hrefs mean nothing in an email: dropped.
 */
function safeHref(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return ALLOWED_SCHEMES.includes(url.protocol) ? url.href : null;
}

/**
 * Characters the API refuses in any text (lambdas/http/validation.ts) that entities can still
 * spell (`&#14;`, `&#x202E;`): C0 controls but tab and newlines, C1 controls, bidirectional
 * overrides and isolates. Dropped from the text of the markup and from the text derived from it.
 */
const UNSAFE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([tag, attrs]) => [tag, [...attrs]])),
  allowedClasses: {},
  allowedSchemes: ALLOWED_SCHEMES.map((s) => s.slice(0, -1)),
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  allowVulnerableTags: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROPPED_WITH_CONTENT,
  selfClosing: ['br'],
  nestingLimit: 100,
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  transformTags: {
    // Block containers of pasted mail and editors keep their line structure as paragraphs.
    ...Object.fromEntries(BLOCK_CONTAINERS.map((tag) => [tag, 'p'])),
    // Whatever rel or target the author wrote is replaced; an unsafe href is not carried over.
    a: (tagName, attribs) => {
      const href = safeHref(attribs['href']);
      return { tagName, attribs: { ...(href ? { href } : {}), rel: 'noopener noreferrer', target: '_blank' } };
    },
  },
  textFilter: (text) => text.replace(UNSAFE_TEXT, ''),
  // A link left without an href is no link: its text stays, the element goes.
  exclusiveFilter: (frame) => (frame.tag === 'a' && !frame.attribs['href'] ? 'excludeTag' : false),
};

/** Block elements: their text starts on a new paragraph (2) or line (1). */
const BLOCK_BREAKS: Readonly<Record<string, number>> = {
  p: 2, blockquote: 2, pre: 2, ul: 2, ol: 2, h1: 2, h2: 2, h3: 2, h4: 2, h5: 2, h6: 2, li: 1,
};

/** sanitize-html's escaping of text (&, <, >), undone exactly: the text of the text part is plain. */
const ESCAPED: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const unescapeText = (s: string) => s.replace(/&(?:amp|lt|gt);/g, (e) => ESCAPED[e] ?? e);

/**
 * The text of sanitised HTML: sanitize-html with no tag allowed walks it (entities decoded by its
 * parser), and the walk adds the whitespace a reader expects: a blank line between blocks, a line
 * per list item ("- " or "1. ", indented when nested), a line break for <br>, a link's address
 * after its words when they differ; runs of white space collapse outside <pre>.
 */
export function textOf(html: string): string {
  // Pieces appended in order (linear in the size of the HTML); trailing spaces go at the end.
  const parts: string[] = [];
  let last = ''; // the last character written
  let pending = 0; // line breaks owed before the next text
  let preDepth = 0;
  const lists: { ordered: boolean; n: number }[] = [];
  const links: { href: string | null; from: number }[] = [];

  const append = (s: string) => {
    parts.push(s);
    last = s.charAt(s.length - 1);
  };
  const write = (s: string) => {
    if (s === '') return;
    if (pending > 0 && parts.length > 0) append('\n'.repeat(pending));
    pending = 0;
    append(s);
  };
  const text = (raw: string) => {
    let s = unescapeText(raw).replace(UNSAFE_TEXT, '');
    if (preDepth === 0) {
      s = s.replace(/[ \t\n\r\f]+/g, ' ');
      if (pending > 0 || last === '' || last === '\n' || last === ' ') s = s.replace(/^ /, '');
    }
    write(s);
  };

  sanitizeHtml(html, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: [],
    disallowedTagsMode: 'discard',
    parser: { decodeEntities: true },
    onOpenTag: (name, attribs) => {
      const breaks = BLOCK_BREAKS[name];
      if (breaks) pending = Math.max(pending, breaks);
      if (name === 'br') {
        pending = 0;
        append('\n');
      } else if (name === 'pre') {
        preDepth++;
      } else if (name === 'ul' || name === 'ol') {
        lists.push({ ordered: name === 'ol', n: 0 });
      } else if (name === 'li') {
        const list = lists[lists.length - 1];
        const indent = '  '.repeat(Math.max(0, lists.length - 1));
        if (list) list.n++;
        write(`${indent}${list?.ordered ? `${list.n}.` : '-'} `);
      } else if (name === 'a') {
        links.push({ href: attribs['href'] ?? null, from: parts.length });
      }
    },
    onCloseTag: (name) => {
      const breaks = BLOCK_BREAKS[name];
      if (breaks) pending = Math.max(pending, breaks);
      if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
      else if (name === 'ul' || name === 'ol') lists.pop();
      else if (name === 'a') {
        const link = links.pop();
        const href = link?.href;
        const words = link ? parts.slice(link.from).join('').trim() : '';
        const shown = href?.startsWith('mailto:') ? href.slice('mailto:'.length) : href;
        if (href && words !== '' && words !== href && words !== shown) write(` (${shown})`);
      }
    },
    textFilter: (escaped) => {
      text(escaped);
      return '';
    },
  });
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Sanitised markup: only the allow-list survives. NUL reads as U+FFFD, as the HTML parsing rules say. */
export function sanitizeRichText(raw: string): string {
  return sanitizeHtml(raw.replace(/\0/g, '\uFFFD'), sanitizeOptions).trim();
}

/**
 * The text of any HTML, sanitised first so script and style contents never become text: for an
 * inbound email with only an HTML part, say.
 */
export function textOfHtml(html: string): string {
  return textOf(sanitizeRichText(html));
}

export interface MessageBody {
  /** The text: the body as given, or the text of the sanitised HTML. */
  body: string;
  /** The sanitised markup (html bodies only). */
  html?: string;
}

/**
 * A message's body in its format: text as given; HTML sanitised, with its text. The length rules
 * of the channel are then checked on `body` (conversation-policy's assertValidContent).
 * 400 validation_failed for HTML over MAX_HTML_INPUT or whose sanitised form has no text.
 */
export function messageBody(format: BodyFormat | undefined, raw: string): MessageBody {
  if (format !== 'html') return { body: raw };
  const fail = (message: string) => validationFailed([{ path: 'body', message }]);
  if (raw.length > MAX_HTML_INPUT) throw fail(`An HTML body is at most ${MAX_HTML_INPUT.toLocaleString('en-US')} characters`);
  const html = sanitizeRichText(raw);
  const body = textOf(html);
  if (body === '') throw fail('The HTML body has no text once sanitised (scripts, styles, images and other markup outside the allow-list are removed)');
  if (new TextEncoder().encode(html).length > MAX_HTML_OUTPUT_BYTES) throw fail('The HTML body has too much markup: at most 100,000 bytes once sanitised');
  return { body, html };
}
