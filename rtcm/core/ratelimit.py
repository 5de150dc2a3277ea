"""A small fixed-window rate limit on the cache, for public lookups (e.g. verification)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # Behind the proxy the stack puts in front, REMOTE_ADDR is the proxy; the
    # proxy sets X-Forwarded-For. The left-most entry is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def rate_limited(request: HttpRequest, *, scope: str, limit: int, per_seconds: int) -> bool:
    """True when this client went over ``limit`` requests of ``scope`` in the window."""
    window = int(time.time()) // per_seconds
    key = f"rl:{scope}:{client_ip(request)}:{window}"
    if cache.add(key, 1, timeout=per_seconds + 5):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per_seconds + 5)
        return False
    return count > limit
