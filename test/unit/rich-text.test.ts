import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lambdas/domain/errors.js';
import { MAX_HTML_INPUT, messageBody, sanitizeRichText, textOf, textOfHtml } from '../../lambdas/domain/rich-text.js';
import { violations, xssCases } from '../fixtures/xss-cases.js';

const rejected = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('rich text: the allow-list', () => {
  it('keeps paragraphs, breaks, emphasis, lists, quotes, headings and code as written', () => {
    const html =
      '<h2>Treatment summary</h2><p>Take <b>one</b> <strong>tablet</strong>, <i>twice</i> <em>daily</em>, <u>with food</u>; <s>not</s> <strike>before</strike> <del>bed</del>.<br />Thanks</p>' +
      '<ul><li>Rest</li><li>Water</li></ul><ol><li>Morning</li></ol><blockquote>Quoted</blockquote><pre><code>dose = 2</code></pre>';
    expect(sanitizeRichText(html)).toBe(html);
  });

  it('keeps http, https and mailto links, with rel="noopener noreferrer" and target="_blank" replacing what the author wrote', () => {
    expect(sanitizeRichText('<a href="https://clinic.example/care?a=1&amp;b=2" rel="opener" target="_self" title="t">Care plan</a>')).toBe(
      '<a href="https://clinic.example/care?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">Care plan</a>',
    );
    expect(sanitizeRichText('<a href="http://clinic.example">x</a>')).toBe('<a href="http://clinic.example/" rel="noopener noreferrer" target="_blank">x</a>');
    expect(sanitizeRichText('<a href="mailto:front@clinic.example">Write</a>')).toBe(
      '<a href="mailto:front@clinic.example" rel="noopener noreferrer" target="_blank">Write</a>',
    );
  });

  it('drops a link whose href is not an absolute http, https or mailto URL, keeping its words', () => {
    for (const href of ['javascript:alert(1)', 'ftp://x.example/', '/relative', '//x.example/', 'data:text/html,hi', 'tel:+15550100', '']) {
      expect(sanitizeRichText(`<p><a href="${href}">the words</a></p>`), href).toBe('<p>the words</p>');
    }
    expect(sanitizeRichText('<a>no href</a>')).toBe('no href');
  });

  it('removes every attribute of other elements (style, class, id, handlers)', () => {
    expect(sanitizeRichText('<p style="color:red" class="x" id="y" onclick="alert(1)" align="center">text</p>')).toBe('<p>text</p>');
  });

  it('drops disallowed elements but keeps their text; block containers become paragraphs', () => {
    expect(sanitizeRichText('<span>one</span> <font color="red">two</font> <table><tr><td>three</td></tr></table>')).toBe('one two <p>three</p>');
    expect(sanitizeRichText('<div>Line one</div><div>Line two</div>')).toBe('<p>Line one</p><p>Line two</p>');
  });

  it('drops scripts, styles, frames, objects, SVG and form fields with everything inside them', () => {
    const html = sanitizeRichText(
      '<script>var secret = 1</script><style>p { color: red }</style><iframe>frame text</iframe><object>object text</object>' +
        '<svg><text>svg text</text></svg><select><option>opt</option></select><textarea>area</textarea><noscript>ns</noscript><p>kept</p>',
    );
    expect(html).toBe('<p>kept</p>');
  });

  it('drops control characters and bidirectional overrides spelled as entities, from the markup and the text', () => {
    const html = sanitizeRichText('<p>a&#14;b&#x202E;c&#x7F;d&#9;e</p>');
    expect(html).toBe('<p>abcd\te</p>');
    expect(textOf(html)).toBe('abcd e');
  });

  it('removes comments and conditional comments', () => {
    expect(sanitizeRichText('<!-- hidden --><p>a</p><!--[if IE]><p>b</p><![endif]-->')).toBe('<p>a</p>');
  });

  it('is a fixed point: sanitising sanitised HTML changes nothing', () => {
    for (const c of xssCases) {
      const once = sanitizeRichText(c.html);
      expect(sanitizeRichText(once), c.name).toBe(once);
    }
  });
});

describe('rich text: OWASP XSS filter-evasion cases', () => {
  it.each(xssCases.map((c) => [c.name, c.html] as const))('%s leaves nothing outside the allow-list', (_name, html) => {
    const clean = sanitizeRichText(html);
    expect(violations(clean)).toEqual([]);
    expect(clean.toLowerCase()).not.toMatch(/<\s*(script|style|img|iframe|svg|object|embed|base|meta|link|form|input)\b/);
    expect(clean.toLowerCase()).not.toContain('javascript:');
  });

  it('the checker itself finds what it must (so a clean answer means something)', () => {
    expect(violations('<p onclick="x">a</p>')).toEqual(['attribute onclick on <p>']);
    expect(violations('<img src="x">')).toEqual(['element <img>', 'attribute src on <img>']);
    expect(violations('<a href="javascript:alert(1)" rel="noopener noreferrer" target="_blank">x</a>')).toEqual(['href javascript:alert(1)']);
    expect(violations('<a href="jav&#x09;ascript:alert(1)">x</a>')).toEqual(['href jav\tascript:alert(1)']);
    expect(violations('<script>x</script><!-- c -->')).toEqual(['node of type script', 'node of type comment']);
    expect(violations('<p>ok <a href="https://x.example/" rel="noopener noreferrer" target="_blank">x</a></p>')).toEqual([]);
  });
});

describe('rich text: the text of the HTML', () => {
  it('decodes entities, separates blocks with a blank line and items with a line', () => {
    expect(textOf(sanitizeRichText('<h1>Results</h1><p>Fish &amp; chips &lt;3 &quot;ok&quot; caf&eacute;</p><ul><li>One</li><li>Two</li></ul><p>End</p>'))).toBe(
      'Results\n\nFish & chips <3 "ok" café\n\n- One\n- Two\n\nEnd',
    );
  });

  it('numbers ordered items and indents nested lists', () => {
    expect(textOf('<ol><li>First<ul><li>a</li><li>b</li></ul></li><li>Second</li></ol>')).toBe('1. First\n\n  - a\n  - b\n\n2. Second');
  });

  it('turns <br> into a line break and collapses white space outside <pre>', () => {
    expect(textOf('<p>Dear   patient,\n\n  see <b>below</b>.<br />Regards</p>')).toBe('Dear patient, see below.\nRegards');
    expect(textOf('<pre>a  b\n  c</pre>')).toBe('a  b\n  c');
  });

  it("shows a link's address after its words when they differ", () => {
    const html = sanitizeRichText('<p>See <a href="https://clinic.example/plan">your plan</a>, <a href="https://clinic.example/">https://clinic.example/</a> or <a href="mailto:a@clinic.example">a@clinic.example</a>.</p>');
    expect(textOf(html)).toBe('See your plan (https://clinic.example/plan), https://clinic.example/ or a@clinic.example.');
  });

  it("textOfHtml reads any HTML (an inbound email's): no script or style text, blocks on their own lines", () => {
    expect(textOfHtml('<html><head><style>p{}</style></head><body><div>Hello,</div><div>see you <b>Tuesday</b>.</div><script>x()</script></body></html>')).toBe(
      'Hello,\n\nsee you Tuesday.',
    );
  });

  it('is plain text: a tag written as text in the HTML (escaped there) is text in the body', () => {
    const html = sanitizeRichText('<p>&lt;script&gt;alert(1)&lt;/script&gt; is how it looks</p>');
    expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; is how it looks</p>');
    expect(violations(html)).toEqual([]);
    expect(textOf(html)).toBe('<script>alert(1)</script> is how it looks');
  });
});

describe('rich text: messageBody', () => {
  it('passes a text body through untouched, with no html', () => {
    expect(messageBody(undefined, '<b>not markup</b>')).toEqual({ body: '<b>not markup</b>' });
    expect(messageBody('text', '  as written  ')).toEqual({ body: '  as written  ' });
  });

  it('gives an html body its sanitised markup and its text', () => {
    expect(messageBody('html', '<p onclick="x()">Hello <b>there</b></p><script>alert(1)</script>')).toEqual({
      html: '<p>Hello <b>there</b></p>',
      body: 'Hello there',
    });
  });

  it('refuses HTML that sanitises to nothing: 400 validation_failed on body', () => {
    for (const html of ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '<p>   </p><br>', '<svg onload=alert(1)><text>x</text></svg>']) {
      const e = rejected(() => messageBody('html', html));
      expect(e.kind, html).toBe('validation_failed');
      expect(e.errors?.map((x) => x.path)).toEqual(['body']);
    }
  });

  it(`refuses raw HTML over ${MAX_HTML_INPUT} characters, and accepts it at the limit`, () => {
    const filler = (n: number) => `<p>${'a'.repeat(n - 7)}</p>`;
    expect(messageBody('html', filler(MAX_HTML_INPUT)).body).toHaveLength(MAX_HTML_INPUT - 7);
    const e = rejected(() => messageBody('html', filler(MAX_HTML_INPUT + 1)));
    expect(e.kind).toBe('validation_failed');
  });

  it('refuses sanitised HTML over 100,000 bytes in UTF-8 (multi-byte text and the rel and target links gain count)', () => {
    // 40,000 characters of 3-byte text: 120,000 bytes, within the 50,000-character input limit.
    const e = rejected(() => messageBody('html', `<p>${'€'.repeat(40_000)}</p>`));
    expect(e.errors?.[0]?.message).toMatch(/100,000 bytes/);
    // 1,400 short links: 46,200 characters written, over 100,000 bytes once each gains rel and target.
    const links = '<a href="https://a.example">x</a>'.repeat(1_400);
    expect(links.length).toBeLessThan(MAX_HTML_INPUT);
    expect(rejected(() => messageBody('html', links)).kind).toBe('validation_failed');
    expect(messageBody('html', `<p>${'€'.repeat(9_000)}</p>`).body).toHaveLength(9_000);
  });
});
