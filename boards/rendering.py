"""Markdown -> safe HTML for posts, board rules and anything else members write.

``render_markdown(text)`` is the only entry point the rest of the project needs. It runs once, when a
body is saved; pages show the stored HTML (fields ending in ``_html``) without rendering again.

Pipeline:

1. Python-Markdown with a fixed set of extensions: fenced code, tables (alignment as an ``align``
   attribute, never ``style``), sane lists, nl2br. Extensions that let a writer set HTML attributes
   (``attr_list``, ``extra``, ``md_in_html``) and inline-styled highlighting stay off.
2. bleach with an allow-list (``ALLOWED_TAGS``, ``ALLOWED_ATTRIBUTES``, ``ALLOWED_PROTOCOLS``, value
   checks in ``_allow_attribute``). Tags that are not allowed are *escaped*, not stripped
   (``strip=False``): a writer who types ``<script>`` or ``<div>`` sees exactly that as text, which is
   what a forum where people talk about HTML wants, and nothing they typed silently disappears. Comments
   are removed.
3. bleach's LinkifyFilter turns bare URLs into links and passes every link -- from Markdown, raw HTML or
   linkify -- through ``_link_callback``: only http, https, mailto or relative targets survive, each
   with ``rel="nofollow ugc noopener"``; a link with any other target becomes its plain text.
4. Headings move down two levels (``#`` -> ``<h3>``, capped at ``<h6>``) so a post never competes with
   the page's own ``<h1>``/``<h2>``; an image whose source was refused is replaced by its alt text.

It never raises and never hangs. A body longer than ``body_max_chars()``, a body with one of the shapes
that make Python-Markdown slow or recursive (``pathological_reason``), a render that runs past its CPU
budget (``RENDER_BUDGET_SECONDS``, checked cooperatively inside Markdown's and bleach's loops) and any
exception all fall back to ``render_plain``: the text escaped, paragraphs on blank lines, ``<br>`` on
newlines.
"""
from __future__ import annotations

import contextlib
import gc
import html
import logging
import re
import threading
import time
from functools import partial, wraps

import bleach
import markdown
from bleach import html5lib_shim
from bleach.linkifier import TLDS, LinkifyFilter
from django.conf import settings
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import HtmlBlockPreprocessor

logger = logging.getLogger(__name__)

#: Used when ``settings.HEARTH["BODY_MAX_CHARS"]`` can't be read (Django not configured, key absent).
DEFAULT_BODY_MAX_CHARS = 30_000

#: CPU seconds one render may spend in Markdown + bleach before it gives up and falls back to plain text.
#: A 30,000-character post of ordinary Markdown takes well under 0.1 s.
RENDER_BUDGET_SECONDS = 0.3

ALLOWED_TAGS = frozenset({
    "p", "br", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6",  # h1/h2 only ever reach the output as h3/h4, see _HEADING_SHIFT
    "strong", "em", "b", "i", "del", "s", "sup", "sub",
    "code", "pre", "blockquote",
    "ul", "ol", "li",
    "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
})

#: The attributes each tag may keep; the values are checked too (``_allow_attribute``). ``rel`` on links
#: is never taken from the writer: ``_link_callback`` sets it.
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    "code": frozenset({"class"}),
    "ol": frozenset({"start"}),
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

LINK_REL = "nofollow ugc noopener"

_ALIGN_VALUES = frozenset({"left", "right", "center"})
_LANGUAGE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+-]+\Z")
_DIGITS_RE = re.compile(r"[0-9]{1,9}\Z")
# What browsers skip inside a URL's scheme (``java&#9;script:``), and then some.
_URL_JUNK_RE = re.compile(r"[\x00-\x20\x7f-\xa0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f"
                          r"\u3000\ufeff`]+")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HTTP_URL_RE = re.compile(r"https?://[^/?#\\]", re.IGNORECASE)
# C0 controls (but tab, newline, carriage return) and DEL: no business in a post, and Python-Markdown
# uses \x02/\x03 as its own placeholders.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}


def body_max_chars() -> int:
    """The longest body accepted: ``settings.HEARTH["BODY_MAX_CHARS"]``, read on every call."""
    try:
        value = int(settings.HEARTH["BODY_MAX_CHARS"])
    except Exception:  # Django not configured, no HEARTH, no key, not a number
        return DEFAULT_BODY_MAX_CHARS
    return value if value > 0 else DEFAULT_BODY_MAX_CHARS


# --- URLs -------------------------------------------------------------------------------------------

def _normalized_url(value: str) -> str:
    """The URL as a browser reads its scheme: entities decoded (twice, for good measure), junk removed."""
    value = html.unescape(html5lib_shim.convert_entities(value))
    return _URL_JUNK_RE.sub("", value)


def is_safe_link(value: str) -> bool:
    """An href we keep: http:, https:, mailto:, or relative (``/t/5/``, ``#post-3``, ``?page=2``)."""
    url = _normalized_url(value)
    if "\\" in url:  # browsers read ``\`` as ``/`` in http URLs; nobody needs one in a link
        return False
    match = _SCHEME_RE.match(url)
    if match:
        return match.group(1).lower() in ALLOWED_PROTOCOLS
    # No scheme. A colon before the path, query or fragment would make one for some parser: refuse.
    return ":" not in re.split(r"[/?#]", url, maxsplit=1)[0]


def is_safe_image(value: str) -> bool:
    """An img src we keep: an absolute http:// or https:// URL, nothing else."""
    url = _normalized_url(value)
    return bool(_HTTP_URL_RE.match(url)) and "\\" not in url


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "href":
        return is_safe_link(value)
    if name == "src":
        return is_safe_image(value)
    if name == "align":
        return value in _ALIGN_VALUES
    if name == "class":
        return bool(_LANGUAGE_CLASS_RE.match(value))
    if name == "start":
        return bool(_DIGITS_RE.match(value))
    return True  # title, alt: plain text, escaped by the serializer


def _link_callback(attrs: dict, new: bool = False) -> dict | None:
    """Every link: a safe href, its title, our rel -- or None, which turns the link into its text."""
    href = attrs.get((None, "href"))
    if not href or not is_safe_link(href):
        return None
    kept = {(None, "href"): href}
    if (None, "title") in attrs:
        kept[(None, "title")] = attrs[(None, "title")]
    kept[(None, "rel")] = LINK_REL
    if "_text" in attrs:
        kept["_text"] = attrs["_text"]
    return kept


# bleach's own URL pattern, with two fixes for inputs that took it seconds to minutes per 30,000
# characters: a run of "(" and a chain like "a-b.a-b.a-b." were retried from every position. Here a
# match may only start where a run of "(" or a word starts, which finds the same URLs.
_LINKIFY_URL_RE = re.compile(
    r"(?<!\()\(*+"  # opening parentheses, taken as a whole run
    r"\b(?<![\w@.-])(?:https?:/{0,3}(?:(?:\w+:)?\w+@)?)?"  # http://, only where a word starts
    r"([\w-]+\.)+(?:" + "|".join(sorted(TLDS, reverse=True)) + r")(?::[0-9]+)?(?!\.\w)\b"  # xx.yy.tld:##
    r"(?:[/?][^\s{}|\\^`<>\"]*)?",  # /path/zz
    re.IGNORECASE | re.UNICODE,
)


# --- Time budget ------------------------------------------------------------------------------------

class _OverBudget(Exception):
    """Raised inside Markdown or bleach when a render has used up its CPU budget."""


class _Budget:
    """A CPU-time budget for the current thread, checked cheaply and often.

    ``check`` compares the wall clock (cheap) against a checkpoint and only reads the thread's CPU
    clock (a system call) once the checkpoint has passed. CPU time, not wall time, so a busy machine
    doesn't turn ordinary posts into plain text.
    """

    __slots__ = ("seconds", "cpu_start", "wall_checkpoint", "active")

    def __init__(self) -> None:
        self.active = False
        self.seconds = self.cpu_start = self.wall_checkpoint = 0.0

    def start(self, seconds: float) -> None:
        self.seconds = seconds
        self.cpu_start = time.thread_time()
        self.wall_checkpoint = time.perf_counter() + seconds
        self.active = True

    def stop(self) -> None:
        self.active = False

    def check(self) -> None:
        if self.active and time.perf_counter() > self.wall_checkpoint:
            used = time.thread_time() - self.cpu_start
            if used > self.seconds:  # and again at every later check, should some code swallow it
                raise _OverBudget(f"{used:.3f}s CPU")
            self.wall_checkpoint = time.perf_counter() + (self.seconds - used)


def _checked(budget: _Budget, method):
    """``method`` with a budget check before each call."""

    @wraps(method)
    def wrapper(*args, **kwargs):
        budget.check()
        return method(*args, **kwargs)

    return wrapper


# --- bleach -----------------------------------------------------------------------------------------

class _TidyFilter(html5lib_shim.Filter):
    """Last touches: headings move down two levels (a post sits below the page's own ``<h1>`` and
    ``<h2>``), and an image whose ``src`` was refused becomes its alt text instead of a broken icon."""

    def __iter__(self):
        for token in super().__iter__():
            kind = token["type"]
            if kind in ("StartTag", "EndTag") and token["name"] in _HEADING_SHIFT:
                token = {**token, "name": _HEADING_SHIFT[token["name"]]}
            elif kind == "EmptyTag" and token["name"] == "img" and (None, "src") not in token["data"]:
                alt = token["data"].get((None, "alt"))
                if alt:
                    yield {"type": "Characters", "data": html.unescape(alt)}  # escaped again on output
                continue
            yield token


class _BudgetFilter(html5lib_shim.Filter):
    """Checks the render's budget every few tokens while bleach walks, sanitizes and serializes."""

    budget: _Budget

    def __iter__(self):
        check = self.budget.check
        for count, token in enumerate(super().__iter__()):
            if not count & 63:
                check()
            yield token


_EtreeWalker = html5lib_shim.getTreeWalker("etree")


class _LinearEtreeWalker(_EtreeWalker):
    """html5lib's etree walker, without its quadratic climb.

    Going back up to a parent, the stock walker finds the parent's position among its siblings with
    ``list(grandparent).count()`` and ``.index()``: O(siblings) per element, so a table of 7,500 rows
    took seconds. This one remembers the positions on a stack instead.
    """

    def __init__(self, tree):
        super().__init__(tree)
        self._keys = []

    def getFirstChild(self, node):
        child = super().getFirstChild(node)
        if child is not None and child[3] is None:  # went down into an element: its parent was pushed
            self._keys.append(node[1] if isinstance(node, tuple) else None)
        return child

    def getNextSibling(self, node):
        sibling = super().getNextSibling(node)
        if sibling is not None and node[3] == "text" and sibling[3] is None:  # from text to first child
            self._keys.append(node[1])
        return sibling

    def getParentNode(self, node):
        if not isinstance(node, tuple) or node[3] == "text":
            return super().getParentNode(node)
        parents = node[2]
        parent = parents.pop()
        key = self._keys.pop()
        if not parents:
            return parent
        return parent, key, parents, None


class _Cleaner(bleach.Cleaner):
    def __init__(self, budget: _Budget, **kwargs):
        super().__init__(**kwargs)
        self.walker = _LinearEtreeWalker
        # html5lib's tree builder: per-token work that grows with the depth of nesting.
        tree = self.parser.tree
        for name in ("elementInScope", "reconstructActiveFormattingElements", "insertText",
                     "insertElementNormal", "insertElementTable"):
            setattr(tree, name, _checked(budget, getattr(tree, name)))


def _new_cleaner(budget: _Budget) -> bleach.Cleaner:
    return _Cleaner(
        budget,
        tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
        strip_comments=True,
        filters=[
            type("_Budgeted", (_BudgetFilter,), {"budget": budget}),
            partial(
                LinkifyFilter,
                callbacks=[_link_callback],
                skip_tags={"pre", "code"},
                parse_email=False,
                url_re=_LINKIFY_URL_RE,
            ),
            _TidyFilter,
        ],
    )


# --- Markdown ---------------------------------------------------------------------------------------

MARKDOWN_EXTENSIONS = ("fenced_code", "tables", "sane_lists", "nl2br")
MARKDOWN_EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}


class _BudgetedHTMLExtractor(HTMLExtractor):
    budget: _Budget

    def updatepos(self, i, j):  # called at least once per construct by html.parser's main loop
        self.budget.check()
        return super().updatepos(i, j)


class _BudgetedHtmlBlockPreprocessor(HtmlBlockPreprocessor):
    def __init__(self, md, budget: _Budget):
        super().__init__(md)
        self.extractor = type("_Extractor", (_BudgetedHTMLExtractor,), {"budget": budget})

    def run(self, lines):
        parser = self.extractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


def _new_markdown(budget: _Budget) -> markdown.Markdown:
    """A Markdown instance whose loops check ``budget``: every block processor test and run, every inline
    pattern tried and matched, every stashed HTML fragment, every step of the raw-HTML scanner."""
    md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS),
                           extension_configs=MARKDOWN_EXTENSION_CONFIGS, output_format="html")
    md.preprocessors.register(_BudgetedHtmlBlockPreprocessor(md, budget), "html_block", 20)
    for registry in (md.preprocessors, md.treeprocessors, md.postprocessors):
        for processor in registry:
            processor.run = _checked(budget, processor.run)
    for processor in md.parser.blockprocessors:
        processor.test = _checked(budget, processor.test)
        processor.run = _checked(budget, processor.run)
    for pattern in md.inlinePatterns:  # the inline processor asks each pattern for its regex per text node
        pattern.getCompiledRegExp = _checked(budget, pattern.getCompiledRegExp)
        pattern.handleMatch = _checked(budget, pattern.handleMatch)
    md.htmlStash.store = _checked(budget, md.htmlStash.store)
    return md


class _Renderer:
    """One per thread: Markdown instances and bleach Cleaners keep state and are not thread-safe."""

    def __init__(self) -> None:
        self.budget = _Budget()
        self.md = _new_markdown(self.budget)
        self.cleaner = _new_cleaner(self.budget)

    def render(self, text: str, budget_seconds: float) -> str:
        self.budget.start(budget_seconds)
        try:
            self.md.reset()
            return self.cleaner.clean(self.md.convert(text))
        finally:
            self.budget.stop()
            self.md.reset()


_local = threading.local()


def _renderer() -> _Renderer:
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _local.renderer = _Renderer()
    return renderer


# --- Pathological input -----------------------------------------------------------------------------
#
# Shapes measured to make Python-Markdown (3.11) slow or recursive, each with a linear scan that
# estimates the work, in "steps" (characters some loop of Markdown walks over). The limits sit far above
# what real posts reach and keep every shape well inside the render budget; the budget itself catches
# whatever this misses. Timings are for a 30,000-character body on the development machine.

#: Nested Markdown containers at the start of one line: ``> > - 1. ...`` and indentation (a tab or four
#: spaces per level). Python-Markdown recurses per level and dies with RecursionError at a few hundred
#: (``+ `` x 500, or a staircase of 240 tab-indented list items with blank lines between).
MAX_NESTING = 32
#: Square brackets: the link, image and reference patterns each walk from every ``[`` to its matching
#: ``]`` (or the end of the paragraph) one character at a time. ``[`` x 30,000 took minutes.
MAX_BRACKET_STEPS = 150_000
#: Start tags that don't close (``a<b``, ``<div <div``): the raw-HTML scanner looks for the ``>`` from
#: each of them. ``x<y `` x 7,500 took 5 s.
MAX_UNCLOSED_TAG_STEPS = 3_000_000
#: Headings, rules and setext underlines inside one paragraph: each one splits the paragraph and the
#: rest is copied and re-tested. ``***\n`` x 7,500 took 3.4 s.
MAX_SPLIT_STEPS = 5_000_000
#: Code spans and pipes in one line: the tables extension pairs backtick runs and pipes in quadratic,
#: uninterruptible loops. A row of ``\`|`` x 15,000 took 2.1 s.
MAX_TABLE_ROW_STEPS = 250_000

_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
# Atomic groups and possessive quantifiers: with plain ones this backtracks exponentially on near misses.
_NESTING_RE = re.compile(
    r"(?m)^(?>\t| {4}| {0,3}(?:>|[-*+][ \t]|[0-9]{1,9}+[.)][ \t])){" + str(MAX_NESTING) + r"}[ \t]*+[-*+>0-9]"
)
_BRACKET_RE = re.compile(r"\\.|[\[\]]", re.DOTALL)
_TAG_OPEN_OR_CLOSE_RE = re.compile(r"<[A-Za-z!?/]|>")
_SPLIT_LINE_RE = re.compile(r"(?m)^[ \t]{0,3}(?:#|[-=*_][-=*_ \t]*$)")
_TABLE_LINE_RE = re.compile(r"(?m)^.*\|.*$")
_BACKTICK_RUN_RE = re.compile(r"`+")


def _bracket_steps(block: str) -> int:
    steps = 0
    opened: list[int] = []
    for match in _BRACKET_RE.finditer(block):
        char = match.group()
        if char == "[":
            opened.append(match.start())
        elif char == "]" and opened:
            steps += match.start() - opened.pop()
    return steps + sum(len(block) - start for start in opened)


def _unclosed_tag_steps(text: str) -> int:
    steps = pending = pending_sum = 0
    for match in _TAG_OPEN_OR_CLOSE_RE.finditer(text):
        if match.group() == ">":
            steps += pending * match.start() - pending_sum
            pending = pending_sum = 0
        else:
            pending += 1
            pending_sum += match.start()
    return steps + pending * len(text) - pending_sum


def pathological_reason(text: str) -> str | None:
    """Why ``text`` would make Python-Markdown slow or recursive, or None. Linear scans only."""
    if _NESTING_RE.search(text):
        return f"more than {MAX_NESTING} nested lists or quotes"
    if _unclosed_tag_steps(text) > MAX_UNCLOSED_TAG_STEPS:
        return "unclosed tags"
    bracket_steps = split_steps = 0
    for block in _BLANK_LINE_RE.split(text):
        if "[" in block:
            bracket_steps += _bracket_steps(block)
        splits = len(_SPLIT_LINE_RE.findall(block))
        if splits > 1:
            split_steps += splits * len(block) // 2
    if bracket_steps > MAX_BRACKET_STEPS:
        return "square brackets"
    if split_steps > MAX_SPLIT_STEPS:
        return "headings or rules inside paragraphs"
    if "`" in text and "|" in text:
        for line in _TABLE_LINE_RE.findall(text):
            runs = len(_BACKTICK_RUN_RE.findall(line))
            if runs * (runs + line.count("|")) > MAX_TABLE_ROW_STEPS:
                return "code spans in a table row"
    return None


# --- Entry points -----------------------------------------------------------------------------------

def _clean_text(text) -> str:
    text = "" if text is None else str(text)
    return _CONTROL_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def render_plain(text: str) -> str:
    """The fallback: ``text`` escaped, a paragraph per blank-line-separated chunk, ``<br>`` on newlines."""
    paragraphs = re.split(r"\n[ \t]*\n", _clean_text(text))
    return "\n".join(
        "<p>" + html.escape(p.strip("\n")).replace("\n", "<br>\n") + "</p>" for p in paragraphs if p.strip()
    )


@contextlib.contextmanager
def _gc_paused():
    """Markdown and html5lib allocate many short-lived objects; a full collection of a large process
    heap in the middle of a render (a long-running worker, a test session) can cost more than the render
    itself and push an ordinary post over the CPU budget. The render is bounded, so pausing the cyclic
    collector for its duration is safe; what it left behind is collected as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_markdown(text: str) -> str:
    """A post's Markdown as safe HTML. Never raises; falls back to ``render_plain`` when it must."""
    try:
        text = _clean_text(text)
        if not text.strip():
            return ""
        if len(text) > body_max_chars():
            logger.info("render_markdown: plain-text fallback (%d characters)", len(text))
            return render_plain(text)
        reason = pathological_reason(text)
        if reason:
            logger.info("render_markdown: plain-text fallback (%s)", reason)
            return render_plain(text)
        with _gc_paused():
            return _renderer().render(text, RENDER_BUDGET_SECONDS)
    except _OverBudget as exc:
        logger.warning("render_markdown: plain-text fallback (over budget: %s)", exc)
        _local.renderer = None  # an interrupted parser may keep state: start the next render afresh
    except RecursionError:  # a traceback thousands of frames deep says nothing more than this
        logger.warning("render_markdown: plain-text fallback (RecursionError)")
        _local.renderer = None
    except Exception:  # whatever else Markdown or bleach may throw
        logger.warning("render_markdown: plain-text fallback after an error", exc_info=True)
        _local.renderer = None
    try:
        return render_plain(text)
    except Exception:  # pragma: no cover - html.escape on a str does not fail
        return ""
