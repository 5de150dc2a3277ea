"""The training catalogue's filters: one FilterSet for the page and the API list.

The page (``/trainings/``) renders the form of ``TrainingFilter`` (the fields of
``PAGE_FIELDS``) and drops a bad value, showing it beside its field; the API
(``/api/v1/trainings/``) takes the same parameters, and a few more, and answers
a bad value with a 400 naming it.
"""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from courses import selectors
from courses.models import Topic, Training
from rtcm.core.content import contains_q_any_language
from rtcm.core.forms import StyledFormMixin
from rtcm.core.models import Region

PAGE_FIELDS = ("q", "topic", "region", "format", "month", "past")


class CatalogueForm(StyledFormMixin, forms.Form):
    """Bootstrap classes, and errors marked for screen readers too."""


class PastCheckbox(forms.CheckboxInput):
    """A tick box whose absence means "no choice" (the API lists every public training);
    the page asks for "false" when it is not ticked (upcoming and running trainings)."""

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        return super().value_from_datadict(data, files, name)


class TrainingFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    topic = filters.ModelChoiceFilter(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("All topics"),
        method="filter_topic",
    )
    region = filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
        method="filter_region",
    )
    format = filters.ChoiceFilter(
        label=_("Format"), choices=Training.Format.choices, empty_label=_("All formats")
    )
    month = filters.DateFilter(
        label=_("Month"),
        method="filter_month",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    past = filters.BooleanFilter(
        label=_("Past trainings"), method="filter_past", widget=PastCheckbox
    )
    # The API's too (not on the page).
    language = filters.CharFilter(method="filter_language")
    status = filters.ChoiceFilter(
        choices=[(s, s) for s in Training.PUBLIC_STATUSES]  # drafts are never public
    )
    starts_after = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    starts_before = filters.DateFilter(field_name="start_date", lookup_expr="lte")
    ends_after = filters.DateFilter(field_name="end_date", lookup_expr="gte")

    class Meta:
        model = Training
        fields = ["q", "topic", "region", "format", "month", "past", "language", "status"]
        form = CatalogueForm

    def filter_q(self, queryset: QuerySet[Training], name: str, value: str) -> QuerySet[Training]:
        value = value.strip()
        if not value:
            return queryset
        # The title or description in any of the training's languages (any case).
        return queryset.filter(contains_q_any_language(("title", "description"), value))

    # Many-to-many filters go through subqueries, so that rows are neither
    # duplicated nor their seat counts skewed.
    def filter_topic(self, queryset, name, value: Topic):
        return queryset.filter(pk__in=Training.objects.filter(modules__topic=value).values("pk"))

    def filter_region(self, queryset, name, value: Region):
        return queryset.filter(pk__in=Training.objects.filter(target_regions=value).values("pk"))

    def filter_month(self, queryset, name, value: dt.date):
        first = value.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        # Any overlap with the month: starts before it ends, ends after it starts.
        return queryset.filter(start_date__lt=following, end_date__gte=first)

    def filter_past(self, queryset, name, value: bool):
        if value is None:
            return queryset
        return (
            selectors.trainings_past(queryset) if value else selectors.trainings_current(queryset)
        )

    def filter_language(self, queryset, name, value: str):
        # Working languages are a JSON list of codes: match the quoted code.
        return queryset.filter(languages__icontains=f'"{value.strip()}"')
