"""``/sitemap.xml``: every public page, from the selectors that decide what is public.

The site's addresses do not carry the language (it is the reader's choice, kept in
a cookie), so each page is listed once, with no per-language alternates.

The fixed pages are named by URL name; one whose app does not provide it (yet) is
left out rather than breaking the sitemap.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from courses.models import Training
from experts.selectors import public_experts
from library.selectors import documents_visible_to
from website import selectors

# The public pages that are not rows: (URL name, change frequency, priority).
STATIC_PAGES = (
    ("home", "daily", 1.0),
    ("about", "monthly", 0.6),
    ("courses:training_list", "daily", 0.9),
    ("library:home", "weekly", 0.7),
    ("experts:directory", "weekly", 0.6),
    ("website:news_list", "daily", 0.8),
    ("programmes:list", "monthly", 0.7),
    ("website:partners", "monthly", 0.5),
    ("website:contact", "yearly", 0.4),
    ("curriculum:index", "monthly", 0.7),
    ("volunteers:index", "monthly", 0.5),
    ("volunteers:apply", "yearly", 0.4),
    ("experts:apply", "yearly", 0.4),
    ("certificates:verify", "yearly", 0.3),
)


def _reversed(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class StaticPagesSitemap(Sitemap):
    def items(self):
        return [
            (url, changefreq, priority)
            for name, changefreq, priority in STATIC_PAGES
            if (url := _reversed(name)) is not None
        ]

    def location(self, item):
        return item[0]

    def changefreq(self, item):
        return item[1]

    def priority(self, item):
        return item[2]


class NewsSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return selectors.sitemap_news()

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return selectors.sitemap_pages()

    def lastmod(self, item):
        return item.updated_at


class ProgrammeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        if _reversed("programmes:list") is None:
            return []  # their pages are not there (yet)
        return selectors.sitemap_programmes()


class TrainingSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            Training.objects.filter(status__in=Training.PUBLIC_STATUSES)
            .only("slug", "updated_at")
            .order_by("-start_date", "pk")
        )

    def lastmod(self, item):
        return item.updated_at


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (
            documents_visible_to(user=AnonymousUser())
            .only("slug", "updated_at")
            .order_by("-created_at", "pk")
        )

    def lastmod(self, item):
        return item.updated_at


class ExpertSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return public_experts().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "static": StaticPagesSitemap,
    "news": NewsSitemap,
    "pages": PageSitemap,
    "programmes": ProgrammeSitemap,
    "trainings": TrainingSitemap,
    "library": DocumentSitemap,
    "experts": ExpertSitemap,
}
