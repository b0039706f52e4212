"""`render_markdown` for the code that writes (services) and previews (views): the renderer itself,
boards.rendering with Python-Markdown, bleach and bleach's html5lib (about 4 MiB a process), is loaded by a
worker's first write or preview, not by every web worker at start: pages show the stored HTML."""
from forum.lazy import load


def render_markdown(text: str) -> str:
    """Markdown to safe HTML (boards.rendering.render_markdown: never raises, falls back to plain text)."""
    return load("boards.rendering.render_markdown")(text)
