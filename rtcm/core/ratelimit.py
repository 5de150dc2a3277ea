"""Who the client is, and a small fixed-window rate limit on the cache.

``client_address`` is the one answer to "which address is this request from": every
limit asks it — the public forms' limits below and the API's throttles (DRF's
``get_ident`` is pointed at it). It trusts exactly ``RTCM_TRUSTED_PROXIES`` hops:

- ``0`` (the embedded mode, nothing in front): ``REMOTE_ADDR``; ``X-Forwarded-For``
  is written by the client and is ignored.
- ``N`` (N proxies in front, each appending its peer's address): the N-th entry of
  ``X-Forwarded-For`` from the right, the one the outermost trusted proxy appended.
  Whatever a client puts to the left of it is its own say-so and changes nothing.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from rest_framework import throttling

# An IPv6 client is handed a whole /64 and may pick any address in it: limit the network.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting exactly ``RTCM_TRUSTED_PROXIES`` proxies in front."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.RTCM_TRUSTED_PROXIES
    if hops == 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < hops:
        # Fewer hops than configured: the request did not come through the whole chain
        # (or a proxy does not append). Nothing in the header can be trusted.
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_key(request: HttpRequest) -> str:
    """What a limit counts by: the client's address, or its /64 network for IPv6."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def rate_limited(request: HttpRequest, *, scope: str, limit: int, per_seconds: int) -> bool:
    """True when this client went over ``limit`` requests of ``scope`` in the window."""
    window = int(time.time()) // per_seconds
    key = f"rl:{scope}:{client_key(request)}:{window}"
    if cache.add(key, 1, timeout=per_seconds + 5):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per_seconds + 5)
        return limit < 1
    return count > limit


TOO_MANY_TEMPLATE = "too_many_requests.html"


def rate_limit(
    *,
    scope: str,
    limit_setting: str,
    per_seconds: int,
    message,
    methods: tuple[str, ...] = ("POST",),
) -> Callable:
    """Refuse a view with a 429 page once a client sent more than the setting's number.

    Only ``methods`` count (a form's GET is free to show); the limit is read from
    ``settings.<limit_setting>`` on each request. The view does not run at all when
    the client is over the limit, so nothing is half-written.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and rate_limited(
                request,
                scope=scope,
                limit=getattr(settings, limit_setting),
                per_seconds=per_seconds,
            ):
                response = render(request, TOO_MANY_TEMPLATE, {"message": message}, status=429)
                response["Retry-After"] = str(per_seconds)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ClientIdentMixin:
    """DRF throttles count by the same client as every other limit."""

    def get_ident(self, request) -> str:
        return client_key(request)


class AnonRateThrottle(ClientIdentMixin, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(ClientIdentMixin, throttling.ScopedRateThrottle):
    pass
