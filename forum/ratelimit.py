"""A small fixed-window rate limiter on Django's cache (Redis in production).

allauth limits signup, login and password resets itself; this covers posting, previews, likes, reports
and topic moves, per member and per client address (forum.clientip: the same address allauth counts).
When Redis is down the counters live in each process's memory (forum.cache), so limits still hold, per
process; only if even that fails does the limiter let the action through: the database still guards
everything that matters.

Budgets are settings.HEARTH[f"{SCOPE}_RATE"] per member and HEARTH[f"{SCOPE}_IP_RATE"] per address, each
a (count, seconds) pair; a scope without one is not limited that way.
"""
import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from forum.clientip import client_ip, ip_bucket

logger = logging.getLogger(__name__)


def hit(scope: str, key: str | int, *, limit: int, period: int) -> bool:
    """Count one action; return True while the caller is within `limit` actions per `period` seconds."""
    window = int(time.time() // period)
    cache_key = f"rl:{scope}:{key}:{window}"
    try:
        if cache.add(cache_key, 1, timeout=period + 1):
            return True
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        return True
    except Exception:  # cache backend down
        logger.warning("rate limiter: cache unavailable, allowing %s", scope)
        return True


def allow(request, scope: str, *, member: bool = True) -> bool:
    """Count one action of `scope` by this request's address (and, with `member`, by the signed-in member);
    True while both are within their budgets."""
    budgets = settings.HEARTH
    if member and request.user.is_authenticated and f"{scope.upper()}_RATE" in budgets:
        count, period = budgets[f"{scope.upper()}_RATE"]
        if not hit(scope, request.user.pk, limit=count, period=period):
            return False
    if f"{scope.upper()}_IP_RATE" in budgets:
        count, period = budgets[f"{scope.upper()}_IP_RATE"]
        if not hit(f"{scope}-ip", ip_bucket(client_ip(request)), limit=count, period=period):
            return False
    return True


def limit(scope: str, *, member: bool = False):
    """A view decorator: each POST spends one action of `scope` from the client address's budget (and, with
    `member`, from the member's too). A preview (a POST with `preview`) spends from the "preview" budgets of
    the member and the address instead, one action, like a post. Over a budget the view does not run: the
    visitor gets the 429 page."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                if "preview" in request.POST:
                    allowed = allow(request, "preview")
                else:
                    allowed = allow(request, scope, member=member)
                if not allowed:
                    return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)
        return wrapper
    return decorate
