from django import template

from forum.humantime import time_tag

register = template.Library()


@register.filter
def timeago(value):
    """{{ post.created_at|timeago }} -> <time datetime=… title=…>3 hours ago</time>"""
    return time_tag(value)


@register.inclusion_tag("boards/_pagination.html")
def pagination(page, base_url, label=""):
    sep = "&" if "?" in base_url else "?"
    items = [
        {"number": n, "url": base_url if n == 1 else f"{base_url}{sep}page={n}", "current": n == page.number}
        if n is not None else None
        for n in page.window()
    ]
    def url(n):
        return base_url if n == 1 else f"{base_url}{sep}page={n}"
    return {
        "page": page,
        "items": items,
        "label": label,
        "previous_url": url(page.previous_number) if page.has_previous else None,
        "next_url": url(page.next_number) if page.has_next else None,
    }
