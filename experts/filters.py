"""The public expert directory's search and filters: one FilterSet for the page and the API.

``/experts/`` (and its export) render its form and drop a bad value, showing it
beside its field; ``/api/v1/experts/`` takes the same parameters and answers a
bad value with a 400 naming it. The filtering itself is the selector's
(``selectors.expert_directory``, shared with the staff list).

The page offers what the directory holds (topics, countries and languages of
public experts; every region): ``choices_in_use=True``. The API accepts any
topic, region, country or working language. Either way the choices are read
once, and only when a form shows them or a value is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from courses.models import Topic
from experts import selectors
from experts.models import WORKING_LANGUAGE_NAMES, WORKING_LANGUAGES, Expert, ExpertLanguage
from rtcm.core.forms import StyledFormMixin
from rtcm.core.models import Region

Choices = Callable[[], list[tuple[str, str]]]


class DirectoryForm(StyledFormMixin, forms.Form):
    """The directory's filters, styled."""


def _by_label(choices) -> list[tuple[str, str]]:
    return sorted(choices, key=lambda choice: (str(choice[1]).casefold(), choice[0]))


def _regions() -> list[tuple[str, str]]:
    return [(region.code, str(region)) for region in Region.objects.order_by("position", "name")]


def _choices_in_use() -> dict[str, Choices]:
    """What the public directory holds: four queries, whatever the number of experts."""
    public = selectors.public_experts()

    def topics():
        return list(
            Topic.objects.filter(experts__in=public.values("pk"))
            .distinct()
            .order_by("position", "name")
            .values_list("slug", "name")
        )

    def country_list():
        codes = public.order_by().values_list("country", flat=True).distinct()
        return _by_label((str(code), countries.name(code)) for code in codes)

    def languages():
        codes = (
            ExpertLanguage.objects.filter(expert__in=public.values("pk"))
            .order_by()
            .values_list("code", flat=True)
            .distinct()
        )
        return _by_label((code, str(WORKING_LANGUAGE_NAMES.get(code, code))) for code in codes)

    return {"topic": topics, "region": _regions, "country": country_list, "language": languages}


def _every_choice() -> dict[str, Choices]:
    return {
        "topic": lambda: list(
            Topic.objects.order_by("position", "name").values_list("slug", "name")
        ),
        "region": _regions,
        "country": lambda: [(country.code, country.name) for country in countries],
        "language": lambda: [(code, str(name)) for code, name in WORKING_LANGUAGES],
    }


class ExpertDirectoryFilter(filters.FilterSet):
    q = filters.CharFilter(
        label=_("Search"),
        max_length=selectors.MAX_QUERY_LENGTH,
        method="filter_nothing",
        help_text="Words that must all appear in the name, organisation, position or "
        "biography (any case, any script).",
    )
    topic = filters.ChoiceFilter(
        label=_("Expertise"), empty_label=_("All areas"), method="filter_nothing"
    )
    region = filters.ChoiceFilter(
        label=_("Region"), empty_label=_("All regions"), method="filter_nothing"
    )
    country = filters.ChoiceFilter(
        label=_("Country"), empty_label=_("All countries"), method="filter_nothing"
    )
    language = filters.ChoiceFilter(
        label=_("Working language"), empty_label=_("All languages"), method="filter_nothing"
    )

    class Meta:
        model = Expert
        fields = ["q", "topic", "region", "country", "language"]
        form = DirectoryForm

    def __init__(
        self, data=None, queryset=None, *, request=None, prefix=None, choices_in_use=False
    ):
        super().__init__(data, queryset, request=request, prefix=prefix)
        sources = _choices_in_use() if choices_in_use else _every_choice()
        self._choices = {name: cache(source) for name, source in sources.items()}
        for name, source in self._choices.items():
            self.filters[name].extra["choices"] = source

    def filter_nothing(self, queryset, name, value: str):
        return queryset  # ``filter_queryset`` hands every value to the selector at once

    def filter_queryset(self, queryset):
        """The selector's directory for the valid values (a bad one is left out)."""
        return selectors.expert_directory(**self.directory_arguments())

    def directory_arguments(self) -> dict:
        """Keyword arguments of ``selectors.expert_directory``."""
        data = {}
        if self.is_bound:
            self.form.is_valid()  # the valid values only: a bad one is dropped
            data = self.form.cleaned_data
        return {
            "query": (data.get("q") or "").strip(),
            "topic": data.get("topic") or None,
            "region": data.get("region") or None,
            "country": data.get("country") or None,
            "language": data.get("language") or None,
        }

    @property
    def region_labels(self) -> dict[str, str]:
        return dict(self._choices["region"]())


class StaffExpertFilter(ExpertDirectoryFilter):
    """The staff list (``/staff/experts/`` and ``/api/v1/staff/experts/``): every expert,
    every topic, region, country and working language offered, and the status too."""

    status = filters.ChoiceFilter(
        label=_("Status"),
        choices=Expert.Status.choices,
        empty_label=_("Any status"),
        method="filter_nothing",
    )

    class Meta(ExpertDirectoryFilter.Meta):
        fields = [*ExpertDirectoryFilter.Meta.fields, "status"]

    def filter_queryset(self, queryset):
        return selectors.expert_directory(staff=True, **self.directory_arguments())

    def directory_arguments(self) -> dict:
        arguments = super().directory_arguments()
        status = self.form.cleaned_data.get("status") if self.is_bound else None
        return {**arguments, "status": status or None}
