"""Kinds of news and how each is put into words.

Each app registers the verbs it sends (in its AppConfig.ready) with a function that turns a notice's
params into a title and a body, using gettext: called when the notice is shown or emailed, it speaks the
language active then (the reader's), not the language of whoever caused the notice.
"""
from collections.abc import Callable
from typing import NamedTuple


class Text(NamedTuple):
    title: str
    body: str = ""


Renderer = Callable[[dict], Text]
_renderers: dict[str, Renderer] = {}


def register(verb: str, renderer: Renderer) -> None:
    _renderers[verb] = renderer


def is_registered(verb: str) -> bool:
    return verb in _renderers


def render(verb: str, params: dict, *, fallback: Text) -> Text:
    renderer = _renderers.get(verb)
    if renderer is None:
        return fallback
    try:
        text = renderer(params or {})
    except (KeyError, TypeError, ValueError):  # params from an older version of the verb
        return fallback
    return Text(str(text.title)[:200], str(text.body))
