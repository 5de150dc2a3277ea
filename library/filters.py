"""The library's search, filters and sort: one FilterSet for the page and the API list.

``/library/`` renders its form (the access filter for staff only) and drops a
bad value, showing it beside its field; ``/api/v1/library/documents/`` takes the
same parameters (and ``type`` for ``doc_type``, its name there) and answers a bad
value with a 400 naming it. The search itself is the selector's
(``selectors.document_search``): the FilterSet hands it the valid values at once
and keeps the facets it counts (``facets``; the API's pagination adds them).
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from courses.models import Topic
from library import selectors
from library.models import Document
from rtcm.core.forms import StyledFormMixin

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("year", _("Year")),
    ("title", _("Title")),
    ("downloads", _("Downloads")),
]
# The API's names for what the page calls otherwise.
API_ONLY = ("type",)


class LibrarySearchForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("year_from", "year_to"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class LibraryFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        max_length=selectors.MAX_QUERY_LENGTH,
        method="filter_nothing",
        help_text='Words to find; "a phrase", -word and or work as in web search engines.',
    )
    topic = filters.ModelChoiceFilter(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All topics"),
        method="filter_nothing",
        help_text="A topic's slug.",
    )
    doc_type = filters.ChoiceFilter(
        label=_("Type"),
        choices=Document.Type.choices,
        empty_label=_("All types"),
        method="filter_nothing",
    )
    type = filters.ChoiceFilter(
        choices=Document.Type.choices, method="filter_nothing", help_text="The document's type."
    )
    language = filters.ChoiceFilter(
        label=_("Language"),
        choices=settings.RTCM_CONTENT_LANGUAGES,
        empty_label=_("All languages"),
        method="filter_nothing",
    )
    year_from = YearFilter(
        label=_("From year"), min_value=0, max_value=9999, method="filter_nothing"
    )
    year_to = YearFilter(label=_("To year"), min_value=0, max_value=9999, method="filter_nothing")
    access = filters.ChoiceFilter(
        label=_("Access"),
        choices=Document.Access.choices,
        empty_label=_("Any access"),
        method="filter_nothing",
    )
    sort = filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="filter_nothing"
    )

    class Meta:
        model = Document
        fields = [
            "q",
            "topic",
            "doc_type",
            "type",
            "language",
            "year_from",
            "year_to",
            "access",
            "sort",
        ]
        form = LibrarySearchForm

    def __init__(self, data=None, queryset=None, *, show_access: bool = True, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if not show_access:  # on the page the access filter is a staff tool
            del self.filters["access"]
        self.facets: selectors.Facets | None = None

    def filter_nothing(self, queryset, name, value: str):
        return queryset  # ``filter_queryset`` hands every value to the selector at once

    def filter_queryset(self, queryset):
        user = self.request.user if self.request is not None else AnonymousUser()
        results, self.facets = selectors.document_search(user=user, **self.search_arguments())
        results.facets = self.facets  # for the API's pagination, which shows them
        return results

    def search_arguments(self) -> dict:
        """Keyword arguments of ``selectors.document_search`` (but ``user``)."""
        data = {}
        if self.is_bound:
            self.form.is_valid()  # the valid values only: a bad one is dropped
            data = self.form.cleaned_data
        topic = data.get("topic")
        return {
            "query": (data.get("q") or "").strip(),
            "topic": topic.slug if topic else None,
            "doc_type": data.get("doc_type") or data.get("type") or None,
            "language": data.get("language") or None,
            "year_from": data.get("year_from"),
            "year_to": data.get("year_to"),
            "access": data.get("access") or None,
            "sort": data.get("sort") or "relevance",
        }
