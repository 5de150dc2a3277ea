"""Public pages of the website: news, pages staff edit, partners, the contact form.

Reads come from ``website.selectors`` (published only; staff who may change an item
preview its draft), writes from ``website.services``. Texts are Markdown, rendered and
sanitised by ``rtcm.core.richtext`` in the templates (``|markdown``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.ratelimit import rate_limit
from rtcm.core.storage import file_suffix, stored_file_response
from website import selectors, services
from website.forms import ContactForm

NEWS_PAGE_SIZE = 10
IMAGE_CACHE_SECONDS = 3600
# What robots.txt keeps crawlers out of: the staff area, the admin, the API and
# the private manage links of registrations.
ROBOTS_DISALLOW = ("/staff/", "/admin/", "/api/", "/registrations/")


# --- news -----------------------------------------------------------------------------


@require_GET
def news_list(request):
    programme_slug = (request.GET.get("programme") or "").strip()[:200]
    items = selectors.news_list_public(programme=programme_slug or None)
    page = Paginator(items, NEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = list(selectors.news_programmes())
    current = next((p for p in programmes if p.slug == programme_slug), None)
    context = {
        "page": page,
        "programmes": programmes,
        "programme": current,
        "programme_slug": programme_slug,
    }
    return render(request, "website/news_list.html", context)


@require_GET
def news_detail(request, slug):
    item = selectors.news_get_for_page(slug=slug, user=request.user)
    if item is None:
        raise Http404
    preview = not selectors.news_is_public(item)
    response = render(request, "website/news_detail.html", {"item": item, "preview": preview})
    if preview:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def news_image(request, slug):
    """The stored image of a published item (staff who may preview: of any item)."""
    item = selectors.news_get_for_page(slug=slug, user=request.user)
    if item is None or not item.image:
        raise Http404
    public = selectors.news_is_public(item)
    suffix = file_suffix(item.image.name) or ".jpg"
    response = stored_file_response(
        item.image, filename=f"{item.slug}{suffix}", as_attachment=False, private=not public
    )
    if public:
        patch_cache_control(response, public=True, max_age=IMAGE_CACHE_SECONDS)
    return response


# --- pages ----------------------------------------------------------------------------


@require_GET
def page(request, slug):
    found = selectors.page_get_for_page(slug=slug, user=request.user)
    if found is None:
        raise Http404
    return render_page(request, found)


def render_page(request, found) -> HttpResponse:
    """A staff-edited page (also /about/ when a published page "about" exists)."""
    preview = found.status != found.Status.PUBLISHED
    response = render(request, "website/page.html", {"page": found, "preview": preview})
    if preview:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


# --- partners -------------------------------------------------------------------------


@require_GET
def partners(request):
    return render(request, "website/partners.html", {"groups": selectors.partners_by_role()})


@require_GET
def partner_logo(request, slug):
    organisation = selectors.partner_logo_organisation(slug)
    if organisation is None:
        raise Http404
    suffix = file_suffix(organisation.logo.name) or ".png"
    response = stored_file_response(
        organisation.logo,
        filename=f"{organisation.slug}{suffix}",
        as_attachment=False,
        private=False,
    )
    patch_cache_control(response, public=True, max_age=IMAGE_CACHE_SECONDS)
    return response


# --- contact --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@rate_limit(
    scope="contact",
    limit_setting="RTCM_CONTACT_RATE_PER_HOUR",
    per_seconds=3600,
    message=_(
        "Too many messages were sent from your network in the last hour. Please try again later."
    ),
)
def contact(request):
    if request.method != "POST":
        return render(request, "website/contact.html", {"form": ContactForm()})
    form = ContactForm(request.POST)
    if form.is_spam:
        # A robot filled the hidden field: thank it as a person, keep nothing.
        return redirect("website:contact_done")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_message_send(
                name=data["name"],
                email=data["email"],
                topic=data["topic"],
                message=data["message"],
                language=_reader_language(),
            )
        except (DomainError, ValidationError) as error:
            add_domain_error(form, error)
        else:
            return redirect("website:contact_done")
    return render(request, "website/contact.html", {"form": form})


def _reader_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


@require_GET
def contact_done(request):
    return render(request, "website/contact_done.html")


# --- robots.txt -----------------------------------------------------------------------


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
