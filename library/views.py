"""Public pages of the electronic library: home and search, document page.

A participant who comes from their manage page carries ``?material=<token>``, a
link scoped to that one document (``library.materials``): the document page
passes it on to its download only. Access itself is decided by
``library.selectors`` only.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from library import selectors
from library.filters import API_ONLY, LibraryFilter
from library.materials import MATERIAL_PARAM, TOKEN_MAX_LENGTH

PAGE_SIZE = 20


def material_token(request) -> str:
    """The scoped material token of a participant's link (``?material=``), or ''."""
    token = request.GET.get(MATERIAL_PARAM, "").strip()
    return token if 0 < len(token) <= TOKEN_MAX_LENGTH else ""


def _private(response, token: str):
    # A page opened with a material link must not be cached or indexed anywhere.
    if token:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _facet_groups(request, facets: selectors.Facets, *, show_access: bool) -> list[dict]:
    """Each facet with the link that narrows the current search to it (back to page 1)."""
    groups = [
        ("topic", _("By topic"), facets.topic),
        ("doc_type", _("By type"), facets.doc_type),
        ("language", _("By language"), facets.language),
    ]
    if show_access:
        groups.append(("access", _("By access"), facets.access))
    result = []
    for name, heading, facet_list in groups:
        items = []
        for facet in facet_list:
            params = request.GET.copy()
            params.pop("page", None)
            params[name] = facet.value
            items.append(
                {
                    "label": facet.label,
                    "count": facet.count,
                    "url": f"?{params.urlencode()}",
                    "active": request.GET.get(name) == facet.value,
                }
            )
        result.append({"name": name, "heading": heading, "items": items})
    return result


@require_GET
def library_home(request):
    show_access = selectors.user_sees_all(request.user)
    search = LibraryFilter(request.GET, request=request, show_access=show_access)
    params = search.search_arguments()
    results, facets = search.qs, search.facets
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    for document in page.object_list:
        document.snippet = selectors.document_snippet(document, params["query"])
    browsing = not any(value for key, value in params.items() if key != "sort")
    context = {
        "form": search.form,
        "page_fields": [name for name in search.form.fields if name not in API_ONLY],
        "page": page,
        "facets": facets,
        "facet_groups": _facet_groups(request, facets, show_access=show_access),
        "query": params["query"],
        "browsing": browsing,
    }
    return render(request, "library/home.html", context)


@require_GET
def document_detail(request, slug):
    token = material_token(request)
    found = selectors.document_get_for_page(
        slug=slug, user=request.user, material_token=token or None
    )
    if found is None:
        raise Http404
    document, may_open = found
    suffix = f"?{urlencode({MATERIAL_PARAM: token})}" if token else ""
    context = {
        "document": document,
        "may_open": may_open,
        "material_token": token,
        "download_url": reverse("library:download", kwargs={"slug": document.slug}) + suffix,
        "sign_in_url": (
            f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
        ),
    }
    return _private(render(request, "library/document.html", context), token)
