"""Rendered HTML that many viewers share, with holes for what is each viewer's own.

A list (a topic's posts, a board's topics) is rendered once per key and kept FRAGMENT_CACHE_SECONDS in the
cache. The key holds everything that may change what the list shows: the content's version, the page, the
language, the time zone, and the viewer class (visitor, member, moderator of the board, admin), so that two
viewers under one key are shown the same HTML. What differs from one viewer to the next inside a class (a
like button, an "Unread" tag, the CSRF token of a form) is not rendered into it: the render leaves a slot,
`<!--NONCE:kind:args-->`, and each request fills the slots with its viewer's own (`fill`). The nonce is
random per render, so no text a member wrote can pose as a slot.

A fragment is rendered without the request: a real CSRF token never enters shared HTML, and the forms in a
fragment carry the placeholder `Slots.csrf_token`, which `fill` swaps for the request's token.

A fragment is rendered from the primary database, never a read replica (forum/db_router.py): its key holds
versions read on the primary (a board's), and a list read from a replica that had not yet replayed a write
(a hidden topic) would be served under the new version for FRAGMENT_CACHE_SECONDS, long after the replica's
lag. What the primary shows is never older than any version a request has read.
"""
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from forum import db_router

_NOT_A_SLOT = re.compile(r"[^\w.-]")


@dataclass(frozen=True)
class Slots:
    """Handed to a render: makes the slot markers of this render."""

    nonce: str

    def __call__(self, kind: str, *args) -> SafeString:
        words = [str(a) for a in args]
        if any(_NOT_A_SLOT.search(w) for w in (kind, *words)):
            raise ValueError(f"a slot holds words, numbers, dots and dashes only: {kind!r} {words!r}")
        text = ":".join(words)
        return mark_safe(f"<!--{self.nonce}:{kind}:{text}-->")  # noqa: S308 - made of the checked characters above

    @property
    def csrf_token(self) -> str:
        """Stands in for the request's CSRF token in the forms of a fragment ({% csrf_token %} prints it)."""
        return f"{self.nonce}-csrf"


@dataclass(frozen=True)
class Fragment:
    nonce: str
    html: str

    def slot_args(self, kind: str) -> list[list[str]]:
        """The arguments of every slot of this kind, in order (to load what filling them needs at once)."""
        return [m.split(":") if m else [] for m in re.findall(rf"<!--{self.nonce}:{kind}:([\w.:-]*)-->", self.html)]


def fragment(key: str, render: Callable[[Slots], str]) -> Fragment:
    """The fragment cached under `key`, else `render(slots)` (then cached). With the cache down, every
    request renders its own."""
    return fragments({key: render})[key]


def fragments(renders: dict[str, Callable[[Slots], str]]) -> dict[str, Fragment]:
    """Several fragments of one page, {key: render}, asked of the cache at once."""
    found = cache.get_many(list(renders))
    made = {}
    for key, render in renders.items():
        value = found.get(key)
        made[key] = Fragment(*value) if isinstance(value, tuple) and len(value) == 2 else unshared(render)
    missing = {key: (made[key].nonce, made[key].html) for key in renders if key not in found}
    if missing:
        cache.set_many(missing, settings.HEARTH["FRAGMENT_CACHE_SECONDS"])
    return made


def unshared(render: Callable[[Slots], str]) -> Fragment:
    """A fragment for one request only (never cached): a list that is one viewer's own."""
    nonce = secrets.token_hex(8)
    on_primary = db_router.allow_replica_reads(False)  # see the module's docstring
    try:
        return Fragment(nonce, str(render(Slots(nonce))))
    finally:
        db_router.reset_replica_reads(on_primary)


def fill(fragment: Fragment, slot: Callable[[str, list[str]], str], request) -> SafeString:
    """The fragment's HTML with every slot replaced by `slot(kind, args)` (already safe HTML) and the CSRF
    placeholder by the request's token."""
    nonce = fragment.nonce
    html = fragment.html
    if f"{nonce}-csrf" in html:
        html = html.replace(f"{nonce}-csrf", get_token(request))
    if f"<!--{nonce}:" in html:
        html = re.sub(rf"<!--{nonce}:(\w+):([\w.:-]*)-->",
                      lambda m: str(slot(m[1], m[2].split(":") if m[2] else [])), html)
    return mark_safe(html)  # noqa: S308 - rendered by our templates; the slots are safe HTML
