"""boards.rendering.render_markdown: Markdown features, the allow-list, hostile input and the promise
that it never raises and never hangs. No database: everything here is a pure function of the text."""
import html
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from boards import rendering
from boards.rendering import render_markdown, render_plain
from tests.helpers import run_in_threads

try:  # bleach vendors html5lib, the parser that follows the HTML standard as browsers do
    from bleach._vendor import html5lib
except ImportError:  # pragma: no cover - a bleach without the vendored copy
    import html5lib

CORPUS_PATH = Path(__file__).with_name("xss_corpus.txt")
REL = "nofollow ugc noopener"

# What may appear in rendered HTML. h1/h2 are allowed in but always come out as h3/h4.
OUTPUT_TAGS = {"p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s", "sup", "sub",
               "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr",
               "th", "td"}
OUTPUT_ATTRIBUTES = {"a": {"href", "title", "rel"}, "img": {"src", "alt", "title"}, "th": {"align"},
                     "td": {"align"}, "code": {"class"}, "ol": {"start"}}
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\xa0\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]+")


# --- helpers ----------------------------------------------------------------------------------------

def load_corpus(path: Path = CORPUS_PATH) -> list[str]:
    """The payloads of xss_corpus.txt (format described at its top)."""
    escapes = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\"}
    payloads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        payloads.append(re.sub(r"\\([nrt0\\])", lambda m: escapes[m.group(1)], line))
    return payloads


def url_scheme(value: str) -> str:
    """The scheme a browser would see, '' for a relative URL. Written apart from the code under test."""
    url = _URL_JUNK.sub("", html.unescape(value)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", url)
    if match:
        return match.group(1)
    assert ":" not in re.split(r"[/?#]", url, maxsplit=1)[0], f"ambiguous URL {value!r}"
    return ""


class _AttributeCollector(HTMLParser):
    """A second, independent tokenizer (Python's) to catch parser differentials."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_safe(output: str) -> None:
    """Whatever went in: only allow-listed tags and attributes, no handlers, no styles, no dangerous URLs,
    every link with our rel. Checked on the tree a browser would build (html5lib) and on Python's own
    tokenizer."""
    assert isinstance(output, str)
    fragment = html5lib.parseFragment(output, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if element is fragment:
            continue
        assert isinstance(element.tag, str), f"comment or other node in {output!r}"
        assert element.tag in OUTPUT_TAGS, f"<{element.tag}> in {output!r}"
        for name, value in element.attrib.items():
            assert isinstance(name, str) and not name.lower().startswith("on"), f"{name} in {output!r}"
            assert name in OUTPUT_ATTRIBUTES.get(element.tag, ()), f"{element.tag}[{name}] in {output!r}"
            if name == "href":
                assert url_scheme(value) in {"", "http", "https", "mailto"}, f"href={value!r}"
            if name == "src":
                assert url_scheme(value) in {"http", "https"} and re.match(r"https?://", value, re.I), value
            if name == "align":
                assert value in {"left", "right", "center"}
            if name == "class":
                assert re.fullmatch(r"language-[A-Za-z0-9_+-]+", value)
            if name == "start":
                assert value.isdigit()
        if element.tag == "a":
            assert element.get("href") and element.get("rel") == REL, f"link without href/rel in {output!r}"
    collector = _AttributeCollector()
    collector.feed(output)
    collector.close()
    for tag, attrs in collector.tags:
        assert tag in OUTPUT_TAGS, f"<{tag}> (html.parser) in {output!r}"
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", f"{name} (html.parser) in {output!r}"
            if name in ("href", "src"):
                assert url_scheme(value or "") not in {"javascript", "vbscript", "data", "livescript", "file"}


def tags(output: str) -> list[str]:
    fragment = html5lib.parseFragment(output, treebuilder="etree", namespaceHTMLElements=False)
    return [el.tag for el in fragment.iter() if el is not fragment]


# --- Markdown features ------------------------------------------------------------------------------

def test_paragraphs_and_line_breaks():
    assert render_markdown("First!") == "<p>First!</p>"
    assert render_markdown("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_emphasis_and_headings_sit_below_the_page_headings():
    out = render_markdown("# Title\n\n## Sub\n\n### Third\n\n###### Six\n\n*em* **strong** ***both***")
    assert "<h3>Title</h3>" in out and "<h4>Sub</h4>" in out and "<h5>Third</h5>" in out
    assert "<h6>Six</h6>" in out and "<h1>" not in out and "<h2>" not in out
    assert "<em>em</em>" in out and "<strong>strong</strong>" in out
    assert_safe(out)


def test_fenced_code_keeps_the_language_and_escapes_the_code():
    out = render_markdown("```python\nif a < b and c & d:\n    print('<b>http://example.com</b>')\n```")
    assert out.startswith('<pre><code class="language-python">')
    assert "if a &lt; b and c &amp; d:" in out
    assert "&lt;b&gt;http://example.com&lt;/b&gt;" in out and "<a " not in out  # no linkify in code
    assert_safe(out)


def test_fenced_code_with_odd_language_loses_the_class_not_the_code():
    out = render_markdown("```c#\nint x;\n```")
    assert "<pre><code>int x;" in out
    assert_safe(out)


def test_inline_and_indented_code():
    out = render_markdown("Use `<div>` here.\n\n    <script>alert(1)</script>\n")
    assert "<code>&lt;div&gt;</code>" in out
    assert "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert_safe(out)


def test_tables_with_alignment_as_attributes():
    out = render_markdown("| left | centre | right |\n|:-----|:------:|------:|\n| a | b | c |")
    assert "<table>" in out and "<thead>" in out and "<tbody>" in out
    assert '<th align="left">left</th>' in out and '<th align="center">centre</th>' in out
    assert '<td align="right">c</td>' in out and "style" not in out
    assert_safe(out)


def test_lists_sane_and_nested():
    out = render_markdown("- one\n- two\n    - nested\n\n3. three\n4. four")
    assert tags(out).count("ul") == 2 and "<li>nested</li>" in out
    assert '<ol start="3">' in out
    # sane_lists: a numbered item after bullets starts a new list rather than joining it
    mixed = render_markdown("- a\n\n1. b")
    assert "<ul>" in mixed and "<ol>" in mixed
    assert_safe(out)


def test_blockquote_and_rule():
    out = render_markdown("> quoted\n> > deeper\n\n---")
    assert tags(out).count("blockquote") == 2 and "<hr>" in out
    assert_safe(out)


@pytest.mark.parametrize(("text", "href", "shown"), [
    ("<https://example.com/a?b=1&c=2>", "https://example.com/a?b=1&amp;c=2", "https://example.com/a?b=1&amp;c=2"),
    ("see https://example.com/path.", "https://example.com/path", "https://example.com/path"),
    ("see www.example.org too", "http://www.example.org", "www.example.org"),
    ("(http://example.com/x)", "http://example.com/x", "http://example.com/x"),
    ("[label](https://example.com/ \"A title\")", "https://example.com/", "label"),
    ("[mail](mailto:someone@example.com)", "mailto:someone@example.com", "mail"),
    ("[reply](/t/5/#post-3)", "/t/5/#post-3", "reply"),
    ("[page](?page=2)", "?page=2", "page"),
    ("[ref][r]\n\n[r]: https://example.com/ref", "https://example.com/ref", "ref"),
])
def test_links_and_autolinks_all_carry_rel(text, href, shown):
    out = render_markdown(text)
    assert f'href="{href}"' in out and f">{shown}</a>" in out
    assert out.count(f'rel="{REL}"') == out.count("<a ") == 1
    assert_safe(out)


def test_email_autolink_is_a_mailto_link():
    out = render_markdown("<someone@example.com>")
    fragment = html5lib.parseFragment(out, treebuilder="etree", namespaceHTMLElements=False)
    link = next(el for el in fragment.iter() if el.tag == "a")
    assert html.unescape(link.get("href")) == "mailto:someone@example.com"
    assert link.get("rel") == REL
    assert_safe(out)


def test_link_title_is_kept_and_escaped():
    out = render_markdown('[x](https://example.com/ "say \'hi\' & <b>")')
    assert 'title="say \'hi\' &amp; &lt;b&gt;"' in out
    assert_safe(out)


def test_raw_html_from_the_allow_list_is_kept_with_allowed_attributes_only():
    out = render_markdown('H<sub>2</sub>O, E=mc<sup>2</sup>, <del>old</del> <s>gone</s> '
                          '<a href="https://example.com/" target="_blank" rel="opener" class="x">x</a>')
    assert "<sub>2</sub>" in out and "<sup>2</sup>" in out and "<del>old</del>" in out
    assert f'<a href="https://example.com/" rel="{REL}">x</a>' in out
    assert_safe(out)


def test_other_tags_are_shown_as_text_not_dropped():
    out = render_markdown("Try <div>this</div> and <script>alert(1)</script> and <style>p{}</style>")
    assert "&lt;div&gt;this&lt;/div&gt;" in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;style&gt;" in out
    assert_safe(out)


def test_comments_are_removed():
    out = render_markdown("a <!-- secret --> b\n\n<!-- block -->\n\nc")
    assert "secret" not in out and "block" not in out and "<!--" not in out
    assert_safe(out)


def test_text_entities_survive_and_stray_brackets_are_escaped():
    out = render_markdown("AT&T &copy; 2 < 3 > 1 <3 &#169; &bogus;")
    assert "AT&amp;T" in out and "&copy;" in out and "2 &lt; 3 &gt; 1 &lt;3" in out
    assert_safe(out)


@pytest.mark.parametrize("src", ["https://example.com/a.png", "http://example.com/a.png?x=1"])
def test_images_over_http_are_kept(src):
    out = render_markdown(f'![a cat]({src} "title")')
    assert f'src="{html.escape(src)}"' in out and 'alt="a cat"' in out and 'title="title"' in out
    assert_safe(out)


@pytest.mark.parametrize("src", [
    "/media/a.png", "a.png", "//example.com/a.png", "ftp://example.com/a.png", "javascript:alert(1)",
    "data:image/png;base64,iVBORw0KGgo=", "data:image/svg+xml,<svg onload=alert(1)>", "mailto:a@example.com",
    "JaVaScRiPt:alert(1)", "https:/example.com/a.png", "http:\\\\example.com\\a.png",
])
def test_images_not_over_http_become_their_alt_text(src):
    out = render_markdown(f"![a cat]({src})")
    assert "<img" not in out and "a cat" in out
    assert_safe(out)


@pytest.mark.parametrize("text", [
    "# Title {#id .class onclick=alert(1)}",  # attr_list
    "paragraph\n{: onclick=alert(1) }",
    "Text[^1]\n\n[^1]: footnote",  # extra: footnotes
    "*[HTML]: Hyper Text",  # extra: abbreviations
    "Term\n: definition",  # extra: definition lists
    '<div markdown="1">**x**</div>',  # md_in_html
])
def test_extensions_that_set_attributes_or_extra_syntax_are_off(text):
    out = render_markdown(text)
    assert not re.search(r'\s(id|class|onclick)="', out)
    assert not {"dl", "abbr", "sup", "div"} & set(tags(out))
    assert_safe(out)


def test_empty_and_odd_input():
    assert render_markdown("") == ""
    assert render_markdown("   \n\t\n") == ""
    assert render_markdown(None) == ""
    assert render_markdown(12345) == "<p>12345</p>"
    assert render_markdown("a\r\nb") == "<p>a<br>\nb</p>"


def test_markdown_placeholders_cannot_be_forged():
    out = render_markdown("\x02wzxhzdk:0\x03\n\n<b>x</b>\n\n[a](\x02wzxhzdk:0\x03) \x02klzzwxh:0\x03")
    assert "\x02" not in out and "\x03" not in out
    assert_safe(out)


# --- URL checks -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "https://example.com/", "http://example.com/a?b=1#c", "HTTPS://EXAMPLE.COM", "mailto:a@example.com",
    "/t/5/", "t/5/", "#post-3", "?page=2", "//example.com/", "/a:b", "./x", "https://a.com/javascript:x",
])
def test_safe_links(value):
    assert rendering.is_safe_link(value)


@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "java&#09;script:alert(1)", "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)", "&#0000106avascript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;x",
    "javascript&#58;x", "java&NewLine;script:x", "java&Tab;script:x", "jav\x00ascript:x", "\x01javascript:x",
    "java\u200bscript:x", "\ufeffjavascript:x", "data:text/html,<script>alert(1)</script>", "DATA:text/html,x",
    "vbscript:msgbox(1)", "VBScript:x", "livescript:x", "file:///etc/passwd", "ftp://example.com/",
    "foo:bar", "x-javascript:alert(1)", "/\\evil.example", "\\\\evil.example", "&amp;#106;avascript:x",
])
def test_unsafe_links(value):
    assert not rendering.is_safe_link(value)


@pytest.mark.parametrize(("value", "ok"), [
    ("https://example.com/a.png", True), ("http://example.com/a.png", True), ("HTTP://EXAMPLE.COM/a", True),
    ("//example.com/a.png", False), ("/a.png", False), ("data:image/png;base64,xx", False),
    ("javascript:alert(1)", False), ("https:/example.com", False), ("http:\\\\example.com", False),
    ("http://\\example.com", False), ("h&#116;tps://example.com/a.png", True), ("mailto:a@example.com", False),
])
def test_image_sources(value, ok):
    assert rendering.is_safe_image(value) is ok


# --- Hostile input ----------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<p onmouseover=alert(1)>hover</p>",
    "<a href=\"https://example.com/\" onclick=\"alert(1)\">x</a>",
    "<b onclick=alert(1)>b</b><table onmouseover=alert(1)><tr><td onclick=alert(1)>x</td></tr></table>",
    "<img src=\"https://example.com/a.png\" onload=\"alert(1)\" style=\"x:expression(alert(1))\">",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#09;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](<javascript:alert(1)>)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x]\n\n[x]: javascript:alert(1) \"t\"",
    "<javascript:alert(1)>",
    "<javascript://%0aalert(1)>",
    "![x](javascript:alert(1))",
    "![x](x\" onerror=\"alert(1))",
    "[x](https://example.com \"a\\\" onmouseover=\\\"alert(1)\")",
    "<a href=\"x\" onclick=\"alert(1)\">relative</a>",
    "<a href=\"https://example.com\"onmouseover=alert(1)>no space</a>",
    "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>", "<math><mi href=javascript:alert(1)>x",
    "<iframe src=javascript:alert(1)>", "<object data=javascript:alert(1)>", "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>", "<style>*{x:expression(alert(1))}</style>",
    "<base href=javascript:alert(1)//>", "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "<code class=\"language-x\" onclick=alert(1)>x</code><code class=\"x y\">y</code>",
    "<ol start=\"1 onclick=alert(1)\"><li>x</li></ol><td align=\"left style=x\">",
    "```js\" onclick=\"alert(1)\nx\n```",
    "| <img src=x onerror=alert(1)> |\n|---|\n| [x](javascript:alert(1)) |",
    "> <script>alert(1)</script>\n> [x](javascript:alert(1))",
    "- <a href=javascript:alert(1)>x</a>\n- ![x](data:image/svg+xml,<svg/onload=alert(1)>)",
    "<pre><a href=\"javascript:alert(1)\">x</a><a href=\"https://example.com\">y</a></pre>",
    "<a href=\"https://example.com\"><a href=\"javascript:alert(1)\">nested</a></a>",
    "<a title=\"&quot;><img src=x onerror=alert(1)>\" href=\"https://example.com\">q</a>",
    "http://example.com/\"onmouseover=\"alert(1)",
    "<https://example.com/\" onmouseover=\"alert(1)>",
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/"
    "</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_neutralised(text):
    assert_safe(render_markdown(text))


def test_corpus_is_large_and_well_formed():
    payloads = load_corpus()
    assert len(payloads) >= 300
    assert len(set(payloads)) == len(payloads), "duplicate payloads"


@pytest.mark.parametrize("chunk", range(8))
def test_xss_corpus_is_neutralised(chunk):
    payloads = load_corpus()
    for payload in payloads[chunk::8]:
        out = render_markdown(payload)
        try:
            assert_safe(out)
        except AssertionError as exc:
            raise AssertionError(f"payload {payload!r} -> {out!r}: {exc}") from None


def test_whole_corpus_as_one_post_is_neutralised():
    body = "\n\n".join(load_corpus())[: rendering.body_max_chars()]
    assert_safe(render_markdown(body))


# --- Fallbacks: never raise, never hang -------------------------------------------------------------

def test_render_plain_escapes_and_keeps_paragraphs_and_breaks():
    out = render_plain("<script>alert(1)</script>\nline two\n\n\n\"quoted\" & 'single'")
    assert out == ("<p>&lt;script&gt;alert(1)&lt;/script&gt;<br>\nline two</p>\n"
                   "<p>&quot;quoted&quot; &amp; &#x27;single&#x27;</p>")
    assert_safe(out)


def test_body_cap_comes_from_settings(settings):
    settings.HEARTH = {**settings.HEARTH, "BODY_MAX_CHARS": 50}
    assert rendering.body_max_chars() == 50
    assert render_markdown("**" + "x" * 46 + "**") == "<p><strong>" + "x" * 46 + "</strong></p>"
    over = render_markdown("**" + "x" * 47 + "** <img src=x onerror=alert(1)>")
    assert over == "<p>**" + "x" * 47 + "** &lt;img src=x onerror=alert(1)&gt;</p>"


def test_body_cap_default_when_not_configured(settings):
    settings.HEARTH = {key: value for key, value in settings.HEARTH.items() if key != "BODY_MAX_CHARS"}
    assert rendering.body_max_chars() == rendering.DEFAULT_BODY_MAX_CHARS == 30_000


def test_any_exception_falls_back_to_escaped_text(monkeypatch):
    def explode(self, text, budget):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(rendering._Renderer, "render", explode)
    assert render_markdown("**<script>x</script>**") == "<p>**&lt;script&gt;x&lt;/script&gt;**</p>"
    monkeypatch.undo()
    assert render_markdown("**ok**") == "<p><strong>ok</strong></p>"


def test_a_render_over_budget_falls_back_and_the_next_one_works(monkeypatch):
    monkeypatch.setattr(rendering, "RENDER_BUDGET_SECONDS", 0.0)
    assert render_markdown("*a* <b>c</b>") == "<p>*a* &lt;b&gt;c&lt;/b&gt;</p>"
    monkeypatch.undo()
    assert render_markdown("*a* <b>c</b>") == "<p><em>a</em> <b>c</b></p>"


def test_deep_nesting_that_used_to_raise_recursion_error():
    staircase = "".join("\t" * i + "- a\n\n" for i in range(240))  # RecursionError unguarded
    for text in ["1. " * 5000, "+ " * 10000, "> " * 10000, "> - 1. " * 3000, staircase]:
        out = render_markdown(text)
        assert out.startswith("<p>") and "<li>" not in out
        assert rendering.pathological_reason(text).startswith("more than")


def test_moderate_nesting_still_renders():
    out = render_markdown("> " * 10 + "deep quote\n\n" + "".join("    " * i + "- item\n" for i in range(8)))
    assert tags(out).count("blockquote") == 10 and tags(out).count("ul") == 8


@pytest.mark.parametrize(("text", "reason"), [
    ("[" * 30_000, "square brackets"),
    ("[a" * 15_000, "square brackets"),
    ("[" * 15_000 + "]" * 15_000, "square brackets"),
    ("<![CDATA[" * 3_000, "unclosed tags"),
    ("x<y " * 7_000, "unclosed tags"),
    ("<div " * 6_000, "unclosed tags"),
    ("# a\n" * 7_000, "headings or rules inside paragraphs"),
    ("***\n" * 7_000, "headings or rules inside paragraphs"),
    ("a\n=\n" * 7_000, "headings or rules inside paragraphs"),
    ("a|b\n-|-\n" + "`|" * 14_000, "code spans in a table row"),
])
def test_known_slow_shapes_are_detected_up_front(text, reason):
    assert rendering.pathological_reason(text) == reason
    out = render_markdown(text)
    assert out.startswith("<p>")
    assert_safe(out)


def test_linkify_pattern_is_linear_and_finds_what_bleach_finds():
    from bleach.linkifier import build_url_re

    stock = build_url_re(protocols=["http", "https"])
    samples = ["see http://example.com/a?b=1.", "(www.example.com)", "foo-bar.com and https://x.org/p#f",
               "a.b.c.d.e.com", "http://user:pw@ex.com:80/x", "((http://a.com/))", "http://a.co/x a.com"]
    for sample in samples:
        assert [m.group() for m in rendering._LINKIFY_URL_RE.finditer(sample)] == \
            [m.group() for m in stock.finditer(sample)]
    started = time.process_time()
    for evil in ["(" * 30_000, "a-b." * 7_500, "a-" * 15_000, "http://" + "a-" * 15_000]:
        assert list(rendering._LINKIFY_URL_RE.finditer(evil)) == []
    assert time.process_time() - started < 0.5  # bleach's own pattern: 12 s, 145 s, 4 s, 4 s


def test_linear_tree_walker_matches_html5lib():
    from bleach import html5lib_shim

    body = "\n\n".join(load_corpus()[:200]) + "\n\n" + "| a | b |\n|---|---|\n" + "| 1 | *2* |\n" * 300
    renderer = rendering._Renderer()
    produced = renderer.md.reset().convert(body)
    stock = rendering._new_cleaner(rendering._Budget())
    stock.walker = html5lib_shim.getTreeWalker("etree")
    assert renderer.cleaner.clean(produced) == stock.clean(produced)


def test_threads_render_independently():
    texts = [f"**{i}** [link](https://example.com/{i}) `code {i}`" for i in range(40)]
    expected = [render_markdown(t) for t in texts]
    results = {}

    def work(offset):
        results[offset] = [render_markdown(t) for t in texts[offset:] + texts[:offset]]

    errors = run_in_threads(work, args=[(n,) for n in range(4)])
    assert not errors, errors
    assert sorted(results) == [0, 1, 2, 3]
    for offset, outputs in results.items():
        assert outputs == expected[offset:] + expected[:offset]


# --- Timing: every accepted body renders well under a second ------------------------------------------

def _ordinary_post(length: int) -> str:
    parts, i = [], 0
    while sum(map(len, parts)) < length:
        i += 1
        parts += [
            f"## Section {i}",
            f"Some *emphasis*, some **strong** words, `code {i}`, a [link](https://example.com/{i}) and "
            f"a bare URL https://example.org/page/{i}?a=1&b=2 in a sentence that goes on for a while.\n"
            "A second line in the same paragraph, with a footnote-ish [1] and an ellipsis...",
            "- first item\n- second item with *emphasis*\n    - nested item\n- third",
            "1. one\n2. two\n3. three",
            f"> A quote from post {i},\n> over two lines.",
            "```python\nfor i in range(10):\n    print(i, '<b>&</b>')\n```",
            "| col | value |\n|:----|------:|\n| a | 1 |\n| b | 2 |",
        ]
    return "\n\n".join(parts)[:length]


def timed_render(body: str, *, under: float, tries: int = 3) -> tuple[str, float, float]:
    """Render and measure (CPU, wall). On a shared virtual machine a neighbour can steal cycles that the
    guest still counts as this thread's CPU time, so a measurement over the bound is taken again, up to
    `tries` times, and the fastest counts: noise only ever adds time, the bound stays what it is."""
    best = None
    for _ in range(tries):
        started, started_cpu = time.perf_counter(), time.thread_time()
        out = render_markdown(body)
        cpu, wall = time.thread_time() - started_cpu, time.perf_counter() - started
        if best is None or cpu < best[1]:
            best = (out, cpu, wall)
        if cpu < under:
            break
    return best


def test_an_ordinary_long_post_renders_as_markdown_quickly():
    body = _ordinary_post(rendering.body_max_chars())
    render_markdown(body)  # warm up
    out, cpu, _wall = timed_render(body, under=0.25)
    assert cpu < 0.25
    assert out.count("<h4>") > 50 and "<table>" in out and '<code class="language-python">' in out
    assert_safe(out)


def _pathological_bodies(cap: int) -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (cap // len(unit) + 1))[:cap]

    half, third = cap // 2, cap // 3
    return {
        "open brackets": "[" * cap,
        "nested brackets": "[" * half + "]" * half,
        "nested brackets then link": "[" * (half - 2) + "]" * (half - 2) + "(x)",
        "bracket and letter": fill("[a"),
        "image brackets": fill("!["),
        "reference brackets": fill("[a]["),
        "brackets and parens": "[" * third + "](" * third,
        "unclosed link destinations": fill("[a](b "),
        "unclosed angle destinations": fill("[a](<"),
        "unclosed titles": fill('[a](b "'),
        "parens after link": "[a](" + "(" * (cap - 4),
        "nested dash lists": "- " * half,
        "nested plus lists": "+ " * half,
        "nested numbered lists": "1. " * third,
        "indentation staircase": "".join(" " * (4 * i) + "- a\n" for i in range(200))[:cap],
        "tab staircase": "".join("\t" * i + "- a\n" for i in range(240))[:cap],
        "tab staircase, loose": "".join("\t" * i + "- a\n\n" for i in range(240))[:cap],
        "31-deep tab staircases": fill("".join("\t" * i + "- a\n" for i in range(31))),
        "nested quotes": ">" * cap,
        "nested quotes with spaces": "> " * half,
        "quote staircase": "".join(">" * i + " a\n" for i in range(240))[:cap],
        "quotes and lists": fill("> - 1. "),
        "31-deep list lines": fill("- " * 31 + "a\n"),
        "31-deep quote lines": fill("> " * 31 + "a\n\n"),
        "stars": "*" * cap,
        "star words": fill("*a"),
        "double star words": fill("**a"),
        "triple star words": fill("***a"),
        "underscores": fill("_a"),
        "mixed delimiters": fill("*_"),
        "nested emphasis": "*a " * (cap // 6) + "a*" * (cap // 6),
        "backticks": "`" * cap,
        "backtick words": fill("`a"),
        "growing backtick runs": "".join("`" * i + "a" for i in range(1, 240))[:cap],
        "unclosed fences": fill("```\n"),
        "many fences": fill("```\na\n```\n"),
        "less-thans": "<" * cap,
        "unclosed tag starts": fill("<a"),
        "unclosed divs": fill("<div "),
        "comparisons": fill("x<y "),
        "unclosed comments": fill("<!--"),
        "unclosed cdata": fill("<![CDATA["),
        "unclosed attribute quotes": fill('<a href="'),
        "unclosed autolinks": fill("<http://a"),
        "autolinks": fill("<https://a.com/> "),
        "email autolinks": fill("<a@b.co> "),
        "nested inline tags": "<b>" * (cap // 7) + "</b>" * (cap // 7),
        "nested distinct tags": "".join(f"<b x={i}>" for i in range(4000))[:cap],
        "nested block tags": fill("<ul><li>"),
        "misnested formatting": fill("<b><i>a</b></i>"),
        "table soup": fill("<table><tr><td>"),
        "reference definitions": fill("[a]: http://x.com\n"),
        "reference uses": "[a]: /x\n" + fill("[a][a] ")[: cap - 8],
        "wide table": "|" + "a|" * (cap // 6) + "\n|" + "-|" * (cap // 6) + "\n",
        "tall table": "a|b\n-|-\n" + fill("1|2\n")[: cap - 8],
        "table of code spans": "a|b\n-|-\n" + fill("`|")[: cap - 8],
        "heading lines": fill("# a\n"),
        "setext headings": fill("a\n===\n"),
        "rules": fill("***\n"),
        "spaced rules": fill("- - -\n"),
        "one-letter lines": fill("a\n"),
        "paragraphs": fill("a\n\n"),
        "flat list": fill("- a\n"),
        "loose list": fill("- a\n\n"),
        "backslashes": "\\" * cap,
        "escaped brackets": fill("\\["),
        "ampersands": fill("&"),
        "entities": fill("&#x41;&lt;&amp"),
        "parens": "(" * cap,
        "url then parens": "http://a.com/" + "(" * (cap - 13),
        "hyphen chains": fill("a-b."),
        "urls": fill("http://example.com/a "),
        "long word": "a" * cap,
        "link soup": fill("[*`<a>`*]("),
        "markup soup": fill("*_`[<!>]()#|\\&\n"),
        "nested links": "[" * 2000 + "a" + "](b)" * 2000,
    }


@pytest.mark.slow
def test_pathological_bodies_at_the_cap_render_quickly_and_safely():
    cap = rendering.body_max_chars()
    timings = {}
    for name, body in _pathological_bodies(cap).items():
        assert len(body) <= cap, name
        out, cpu, wall = timed_render(body, under=0.5)
        timings[name] = cpu
        assert isinstance(out, str), name  # may be empty: reference definitions alone show nothing
        # CPU time is what the renderer controls; wall time only guards against a hang on a busy machine.
        assert cpu < 0.5, f"{name}: {cpu:.3f} s CPU"
        assert wall < 2.0, f"{name}: {wall:.3f} s"
        assert_safe(out)
    assert len(timings) >= 70


@pytest.mark.slow
def test_random_markdown_soup_renders_quickly_and_safely():
    import random

    tokens = ["[", "]", "(", ")", "<", ">", "*", "_", "`", "```", "\\", "!", "|", "-", "#", "> ", "\n", "\n\n",
              " ", "a", ":", '"', "'", "&", "1. ", "- ", "http://x.com", "<div>", "<b>", "</b>", "    ", "](",
              "![", "<!--", "-->", "&#", "<p>", "<td>", "<li>", "<script>", "|-|", "javascript:", "onerror="]
    rng = random.Random(20_240_601)
    cap = rendering.body_max_chars()
    for _ in range(40):
        if rng.random() < 0.5:
            unit = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 6)))
            body = (unit * (cap // len(unit) + 1))[:cap]
        else:
            body = "".join(rng.choices(tokens, weights=[rng.random() ** 3 for _ in tokens], k=cap // 2))[:cap]
        out, cpu, _wall = timed_render(body, under=0.5)
        assert cpu < 0.5, repr(body[:80])
        assert_safe(out)
