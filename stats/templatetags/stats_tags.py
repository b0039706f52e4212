from datetime import date

from django import template

from stats.selectors import Share

register = template.Library()


@register.filter
def cell(value) -> str:
    """A table cell: "—" for no value, one decimal for fractions."""
    if value is None:
        return "—"
    if isinstance(value, Share):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


@register.filter
def is_share(value) -> bool:
    return isinstance(value, Share)
