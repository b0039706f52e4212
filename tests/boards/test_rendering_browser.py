"""The XSS corpus, rendered by boards.rendering.render_markdown, opened in a real browser (Chromium via
Playwright): after loading, hovering, focusing and clicking everything, no script may have run.

The page is served from a fake origin (https://hearth.test/) by Playwright's router; every other request
(images, scripts, styles the payloads ask for) is aborted, so nothing leaves the machine. alert, confirm,
prompt and print are replaced before any content loads by functions that record their calls, and a click
on a link to anything but http(s)/mailto is recorded as well. A control run with the raw, unsanitised
payloads proves the harness does notice when a script runs. No database needed."""
import json

import pytest

from boards.rendering import render_markdown
from tests.boards.test_rendering import load_corpus

pytestmark = pytest.mark.browser

ORIGIN = "https://hearth.test"
PAGE_URL = f"{ORIGIN}/xss-corpus/"

# Runs in the page before any of its content: record what payloads would typically do when they run.
INIT_SCRIPT = """
(() => {
  const hits = [];
  Object.defineProperty(window, '__xss', {value: hits, writable: false, configurable: false});
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const recorder = function (...args) { hits.push(name + '(' + args.map(String).join(',') + ')'); };
    Object.defineProperty(window, name, {value: recorder, writable: false, configurable: false});
  }
  // A click on a link: follow it only if it would run code (so that shows up as a hit); keep the page
  // otherwise, whatever the link (http, https, mailto, relative).
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element && event.target.closest('a[href], area[href]');
    if (!link) return;
    const protocol = new URL(link.href, location.href).protocol;
    if (['http:', 'https:', 'mailto:'].includes(protocol)) event.preventDefault();
    else hits.push('navigate(' + link.href + ')');
  }, true);
})();
"""

# Fires every kind of event an inline handler could wait for, on every element, then focuses and clicks it.
POKE_EVERYTHING = """
() => {
  const mouse = ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'mouseout', 'mouseleave',
                 'click', 'dblclick', 'contextmenu', 'auxclick', 'wheel'];
  const plain = ['pointerover', 'pointerenter', 'pointerdown', 'pointerup', 'pointermove', 'focus', 'focusin',
                 'blur', 'focusout', 'keydown', 'keyup', 'keypress', 'input', 'change', 'select', 'scroll',
                 'scrollend', 'toggle', 'beforetoggle', 'animationstart', 'animationend', 'animationiteration',
                 'transitionrun', 'transitionend', 'drag', 'dragstart', 'drop', 'copy', 'cut', 'paste',
                 'selectstart', 'touchstart', 'error', 'load', 'loadstart', 'play', 'invalid', 'search',
                 'beforeprint', 'afterprint', 'begin', 'message', 'resize', 'hashchange', 'pageshow', 'popstate'];
  const elements = [...document.querySelectorAll('#cases *')];
  for (const el of elements) {
    for (const type of mouse) el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true}));
    for (const type of plain) el.dispatchEvent(new Event(type, {bubbles: true, cancelable: true}));
    if (typeof el.focus === 'function') el.focus();
    if (typeof el.click === 'function') el.click();
  }
  window.scrollTo(0, document.body.scrollHeight);
  return elements.length;
}
"""

# The centre of every element in the viewport (clamped into it), for real mouse moves and clicks.
VISIBLE_CENTRES = """
() => [...document.querySelectorAll('#cases *')]
  .map((el) => el.getBoundingClientRect())
  .filter((r) => r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight)
  .map((r) => [r.x + r.width / 2, Math.min(Math.max(r.y + r.height / 2, 1), innerHeight - 1)])
"""

# What must not be in the DOM once the payloads are in: script carriers, handlers, styles, bad URLs.
INSPECT_DOM = """
() => {
  const problems = [];
  const forbidden = 'script, iframe, frame, frameset, object, embed, applet, form, input, button, textarea, '
    + 'select, style, link, meta, base, svg, math, video, audio, source, template, noscript, portal, '
    + 'img:not([src]), [style], [srcdoc], [formaction], [xlink\\\\:href]';
  for (const el of document.querySelectorAll('#cases :is(' + forbidden + ')')) {
    problems.push('element: ' + el.outerHTML.slice(0, 200));
  }
  for (const el of document.querySelectorAll('#cases *')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) problems.push('handler: ' + el.outerHTML.slice(0, 200));
    }
    for (const name of ['href', 'src']) {
      if (!el.hasAttribute(name)) continue;
      const protocol = new URL(el.getAttribute(name), location.href).protocol;
      if (!['http:', 'https:', 'mailto:'].includes(protocol)) problems.push(name + ': ' + el.outerHTML.slice(0, 200));
    }
    if (el.tagName === 'A' && el.getAttribute('rel') !== 'nofollow ugc noopener') {
      problems.push('rel: ' + el.outerHTML.slice(0, 200));
    }
  }
  return problems;
}
"""


def _page_html(fragments: list[str]) -> str:
    cases = "\n".join(f'<section class="case" data-case="{i}">{fragment}</section>'
                      for i, fragment in enumerate(fragments))
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>XSS corpus</title></head>'
            f'<body><main id="cases">\n{cases}\n</main></body></html>')


def _open_and_poke(page, fragments: list[str]) -> dict:
    """Load the fragments in one page, poke every element, and report what ran."""
    body = _page_html(fragments)
    requests, dialogs, page_errors, console_errors = [], [], [], []

    def route(route):
        if route.request.url == PAGE_URL:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
        else:
            requests.append(route.request.url)
            route.abort()

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message):
        # Aborted image requests log "Failed to load resource"; anything else is a script's doing.
        if message.type == "error" and "Failed to load resource" not in message.text:
            console_errors.append(message.text)

    page.route("**/*", route)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("console", on_console)
    page.add_init_script(INIT_SCRIPT)
    page.goto(PAGE_URL, wait_until="load")
    page.wait_for_timeout(300)

    poked = page.evaluate(POKE_EVERYTHING)
    # Real input too: scroll through the page a screen at a time, moving the mouse over and clicking
    # every element in view, then tab through the page.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    step = page.viewport_size["height"] if page.viewport_size else 720
    for top in range(0, height, step):
        page.evaluate("(y) => window.scrollTo(0, y)", top)
        for x, y in page.evaluate(VISIBLE_CENTRES):
            page.mouse.move(x, y)
            page.mouse.click(x, y)
    page.mouse.move(1, 1)
    for _ in range(30):
        page.keyboard.press("Tab")
    page.wait_for_timeout(500)

    return {
        "elements": poked,
        "hits": page.evaluate("() => [...window.__xss]"),
        "dialogs": dialogs,
        "page_errors": page_errors,
        "console_errors": console_errors,
        "dom_problems": page.evaluate(INSPECT_DOM),
        "url": page.url,
        "requests": requests,
    }


def test_rendered_corpus_runs_nothing_in_a_browser(page):
    payloads = load_corpus()
    assert len(payloads) >= 300
    report = _open_and_poke(page, [render_markdown(payload) for payload in payloads])

    assert report["elements"] > len(payloads)  # the page really holds the rendered corpus
    summary = json.dumps({k: v for k, v in report.items() if k not in ("elements", "requests")}, indent=1)
    assert report["hits"] == [], summary
    assert report["dialogs"] == [], summary
    assert report["page_errors"] == [], summary
    assert report["console_errors"] == [], summary
    assert report["dom_problems"] == [], summary
    assert report["url"] == PAGE_URL, summary
    # Only images over http(s) were asked for: no scripts, styles, frames or documents.
    assert all(url.startswith(("http://", "https://")) for url in report["requests"]), report["requests"]


def test_harness_notices_script_that_runs(page):
    """The control: the same harness over raw, unsanitised payloads must see them run, each through a
    different door (load-time handler, inline script, hover, focus, click, link navigation)."""
    raw = [
        "<img src=x onerror=alert(1)>",
        "<script>confirm(2)</script>",
        "<p onmouseover=prompt(3)>hover me</p>",
        "<b tabindex=1 onfocus=alert(4)>focus me</b>",
        "<i onclick=alert(5)>click me</i>",
        '<a href="javascript:alert(6)">link</a>',
        "<svg><animate onbegin=alert(7) attributeName=x dur=1s>",
    ]
    report = _open_and_poke(page, raw)
    hits = set(report["hits"])
    for expected in ["alert(1)", "confirm(2)", "prompt(3)", "alert(4)", "alert(5)", "alert(6)"]:
        assert expected in hits, report
    assert any(hit.startswith("navigate(javascript:") for hit in hits), report
    assert len(report["dom_problems"]) >= len(raw) - 1, report
    # And the same payloads through render_markdown, in a fresh page: nothing.
    report = _open_and_poke(page.context.new_page(), [render_markdown(payload) for payload in raw])
    assert report["hits"] == [] and report["dom_problems"] == [], report
