"""The partners whose logos stand in the site header, for every template.

``header_partners`` is read lazily (a template that shows no header costs nothing) and
cached: one query after an organisation is saved or deleted (``header_partners_forget``,
connected in ``courses.apps``), then none for ``HEADER_PARTNERS_CACHE_SECONDS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from courses.models import Organisation

HEADER_PARTNERS_CACHE_KEY = "courses:header-partners:v1"
HEADER_PARTNERS_CACHE_SECONDS = 60 * 60
HEADER_PARTNERS_LIMIT = 6  # more would crowd a phone's header


@dataclass(frozen=True)
class HeaderPartner:
    name: str
    short_name: str
    logo_url: str
    website: str


def header_partners_read() -> list[HeaderPartner]:
    """The organisations marked ``show_in_header`` that have a logo, in their order.

    Media files are not served as such: a logo is the website's ``partner_logo`` page
    (which serves the logos of the header's organisations to everyone)."""
    cached = cache.get(HEADER_PARTNERS_CACHE_KEY)
    if cached is not None:
        return cached
    rows = (
        Organisation.objects.filter(show_in_header=True)
        .exclude(logo="")
        .only("name", "short_name", "slug", "website")
        .order_by("position", "name")[:HEADER_PARTNERS_LIMIT]
    )
    partners = [
        HeaderPartner(
            name=row.name,
            short_name=row.short_name,
            logo_url=reverse("website:partner_logo", args=[row.slug]),
            website=row.website,
        )
        for row in rows
    ]
    cache.set(HEADER_PARTNERS_CACHE_KEY, partners, timeout=HEADER_PARTNERS_CACHE_SECONDS)
    return partners


def header_partners_prime() -> None:
    """Cache "no partner in the header", when that is known (a fresh test database)."""
    cache.set(HEADER_PARTNERS_CACHE_KEY, [], timeout=HEADER_PARTNERS_CACHE_SECONDS)


def header_partners_forget(**_kwargs) -> None:
    cache.delete(HEADER_PARTNERS_CACHE_KEY)


def header_partners(request):
    return {"header_partners": SimpleLazyObject(header_partners_read)}
