"""Reads of the website: news, pages, the menus and the partners.

The public sees a news item or a page once it is published (and a news item once its
``published_at`` has come); staff who may change it preview it before. Every public
read starts from ``news_published()`` or ``pages_published()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from courses.models import Organisation, Programme, ProgrammeOrganisation
from website.models import NewsItem, Page

User = AbstractBaseUser | AnonymousUser

# The menus are read on every page: kept this many seconds, and dropped at once when a
# page is saved or deleted (website.apps connects the signals).
MENU_CACHE_SECONDS = 300
MENU_CACHE_VERSION_KEY = "website:menu-version"
ABOUT_SLUG = "about"


# --- news -----------------------------------------------------------------------------


def news_published(*, now=None) -> QuerySet[NewsItem]:
    """Published items whose date has come, the newest first."""
    now = now or timezone.now()
    return NewsItem.objects.filter(
        status=NewsItem.Status.PUBLISHED, published_at__isnull=False, published_at__lte=now
    ).order_by("-published_at", "-pk")


def news_list_public(*, programme: str | None = None) -> QuerySet[NewsItem]:
    """The news list: published items (with their programme), optionally of one programme."""
    items = news_published().select_related("programme")
    if programme:
        items = items.filter(programme__slug=programme, programme__is_published=True)
    return items


def news_latest(*, limit: int = 3) -> list[NewsItem]:
    """For the home page: the latest published items."""
    return list(news_published().select_related("programme")[:limit])


def news_programmes() -> QuerySet[Programme]:
    """Published programmes that have published news: the news list's filter choices."""
    return (
        Programme.objects.filter(is_published=True, news__in=news_published())
        .distinct()
        .order_by("title")
    )


def user_may_preview(user: User | None, model: type) -> bool:
    """Staff who may change items of ``model`` see its drafts and future items."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


def news_get_for_page(*, slug: str, user: User | None) -> NewsItem | None:
    """One item by slug: published for anyone, any for staff who may preview."""
    items = (
        NewsItem.objects.all() if user_may_preview(user, NewsItem) else news_published()
    ).select_related("programme")
    return items.filter(slug=slug).first()


def news_is_public(item: NewsItem, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        item.status == NewsItem.Status.PUBLISHED
        and item.published_at is not None
        and item.published_at <= now
    )


# --- pages ----------------------------------------------------------------------------


def pages_published() -> QuerySet[Page]:
    return Page.objects.filter(status=Page.Status.PUBLISHED)


def page_get_for_page(*, slug: str, user: User | None) -> Page | None:
    """One page by slug: published for anyone, any for staff who may preview."""
    pages = Page.objects.all() if user_may_preview(user, Page) else pages_published()
    return pages.filter(slug=slug).first()


def page_published(slug: str) -> Page | None:
    return pages_published().filter(slug=slug).first()


def about_page() -> Page | None:
    """The published page "about", if staff wrote one; no query while the cached menus
    say there is none (``site_menus``)."""
    if not site_menus().has_about:
        return None
    return page_published(ABOUT_SLUG)


@dataclass(frozen=True)
class MenuLink:
    title: str
    url: str
    slug: str


@dataclass
class Menus:
    header: list[MenuLink] = field(default_factory=list)
    footer: list[MenuLink] = field(default_factory=list)
    # A published page "about" takes the place of /about/'s built-in text.
    has_about: bool = False


def _menu_cache_key(language: str) -> str:
    version = cache.get(MENU_CACHE_VERSION_KEY, 0)
    return f"website:menus:{version}:{language}"


def menus_forget() -> None:
    """Drop every cached menu (a page was saved or deleted)."""
    try:
        cache.incr(MENU_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(MENU_CACHE_VERSION_KEY, 1, timeout=None)


def site_menus_prime(languages: list[str] | None = None) -> None:
    """Cache empty menus for ``languages`` (every language by default), when it is known
    that no page is in a menu: a fresh database (the test suite's). A page saved later
    drops them as usual."""
    codes = languages or [code for code, _name in settings.LANGUAGES]
    for code in codes:
        cache.set(_menu_cache_key(code), Menus(), timeout=MENU_CACHE_SECONDS)


def site_menus() -> Menus:
    """The published pages of the header and the footer menus, in the reader's language.

    One query (which also tells whether a page "about" is published), then cached for
    ``MENU_CACHE_SECONDS`` per language.
    """
    language = translation.get_language() or ""
    key = _menu_cache_key(language)
    cached = cache.get(key)
    if cached is not None:
        return cached
    menus = Menus()
    # Whole rows: a title falls back to another language's column (rtcm.core.content).
    pages = pages_published().filter(~Q(menu="") | Q(slug=ABOUT_SLUG))
    for page in pages.order_by("position", "title"):
        if page.slug == ABOUT_SLUG:
            menus.has_about = True
        if not page.menu:
            continue
        link = MenuLink(title=page.title, url=page.get_absolute_url(), slug=page.slug)
        (menus.header if page.menu == Page.Menu.HEADER else menus.footer).append(link)
    cache.set(key, menus, timeout=MENU_CACHE_SECONDS)
    return menus


# --- partners -------------------------------------------------------------------------

PARTNER_ROLES = (
    ProgrammeOrganisation.Role.DONOR,
    ProgrammeOrganisation.Role.IMPLEMENTING,
    ProgrammeOrganisation.Role.HOST,
)


@dataclass
class Partner:
    organisation: Organisation
    programmes: list[Programme]


@dataclass
class PartnerGroup:
    role: str
    label: str
    partners: list[Partner]


def partner_organisations() -> QuerySet[Organisation]:
    """Organisations that take part in a published programme."""
    return Organisation.objects.filter(parts__programme__is_published=True).distinct()


def partners_by_role() -> list[PartnerGroup]:
    """The partners page: each role (donors, implementing partners, hosts) with its
    organisations and, for each, the published programmes it has that role in.

    Two queries whatever the number of organisations and programmes.
    """
    parts = (
        ProgrammeOrganisation.objects.filter(programme__is_published=True)
        .select_related("organisation", "programme")
        .order_by("organisation__position", "organisation__name", "programme__title", "pk")
    )
    by_role: dict[str, dict[int, Partner]] = {role: {} for role in PARTNER_ROLES}
    for part in parts:
        partners = by_role.setdefault(part.role, {})
        partner = partners.get(part.organisation_id)
        if partner is None:
            partner = partners[part.organisation_id] = Partner(part.organisation, [])
        if part.programme not in partner.programmes:
            partner.programmes.append(part.programme)
    labels = dict(ProgrammeOrganisation.Role.choices)
    return [
        PartnerGroup(role=role, label=str(labels.get(role, role)), partners=list(partners.values()))
        for role, partners in by_role.items()
        if partners
    ]


def partner_logo_organisation(slug: str) -> Organisation | None:
    """An organisation whose logo the public may see: a partner of a published programme,
    or one whose logo stands in the site header."""
    organisations = Organisation.objects.exclude(logo="")
    public = organisations.filter(slug=slug, show_in_header=True).first()
    return public or partner_organisations().exclude(logo="").filter(slug=slug).first()


# --- the sitemap ----------------------------------------------------------------------


def sitemap_news() -> QuerySet[NewsItem]:
    return news_published().only("slug", "updated_at", "published_at")


def sitemap_pages() -> QuerySet[Page]:
    return pages_published().only("slug", "updated_at").order_by("position", "slug")


def sitemap_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(is_published=True).only("slug").order_by("position", "slug")
