"""Public pages of the electronic library: home and search, document page.

A participant who comes from their manage page carries ``?registration=<token>``:
it opens their training's materials, so every link of these pages keeps it.
Access itself is decided by ``library.selectors`` only.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from courses.models import Topic
from library import selectors
from library.models import Document
from rtcm.core.forms import style_fields

PAGE_SIZE = 20
TOKEN_MAX_LENGTH = 64


class LibrarySearchForm(forms.Form):
    """The search box, filters and sort, read from the query string. Bad values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=selectors.MAX_QUERY_LENGTH)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    doc_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *Document.Type.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All languages")), *settings.LANGUAGES], required=False
    )
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1900, max_value=2100
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1900, max_value=2100)
    access = forms.ChoiceField(
        label=_("Access"), choices=[("", _("Any access")), *Document.Access.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("relevance", _("Relevance")),
            ("year", _("Year")),
            ("title", _("Title")),
            ("downloads", _("Downloads")),
        ],
        required=False,
    )

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:  # the access filter is a staff tool
            del self.fields["access"]
        for name in ("year_from", "year_to"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)

    def search_params(self) -> dict:
        """Keyword arguments of ``document_search``; a broken filter is dropped, the rest apply."""
        if not self.is_bound:
            return {"query": ""}
        self.is_valid()
        data = self.cleaned_data
        topic = data.get("topic")
        return {
            "query": (data.get("q") or "").strip(),
            "topic": topic.slug if topic else None,
            "doc_type": data.get("doc_type") or None,
            "language": data.get("language") or None,
            "year_from": data.get("year_from"),
            "year_to": data.get("year_to"),
            "access": data.get("access") or None,
            "sort": data.get("sort") or "relevance",
        }


def registration_token(request) -> str:
    """The manage token a participant's links carry (``?registration=``), or ''."""
    token = request.GET.get("registration", "").strip()
    return token if 0 < len(token) <= TOKEN_MAX_LENGTH else ""


def _private(response, token: str):
    # A page opened with a manage token must not be cached or indexed anywhere.
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
    token = registration_token(request)
    form = LibrarySearchForm(request.GET or None, staff=selectors.user_sees_all(request.user))
    params = form.search_params()
    results, facets = selectors.document_search(
        user=request.user, registration_token=token or None, **params
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    for document in page.object_list:
        document.snippet = selectors.document_snippet(document, params["query"])
    browsing = not any(value for key, value in params.items() if key != "sort")
    show_access = selectors.user_sees_all(request.user)
    context = {
        "form": form,
        "page": page,
        "facets": facets,
        "facet_groups": _facet_groups(request, facets, show_access=show_access),
        "query": params["query"],
        "browsing": browsing,
        "registration_token": token,
    }
    return _private(render(request, "library/home.html", context), token)


@require_GET
def document_detail(request, slug):
    token = registration_token(request)
    found = selectors.document_get_for_page(
        slug=slug, user=request.user, registration_token=token or None
    )
    if found is None:
        raise Http404
    document, may_open = found
    suffix = f"?{urlencode({'registration': token})}" if token else ""
    context = {
        "document": document,
        "may_open": may_open,
        "registration_token": token,
        "token_suffix": suffix,
        "download_url": reverse("library:download", kwargs={"slug": document.slug}) + suffix,
        "sign_in_url": (
            f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
        ),
    }
    return _private(render(request, "library/document.html", context), token)
