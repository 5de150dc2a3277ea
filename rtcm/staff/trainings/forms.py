"""Forms of the training list, the cancellation and the clone pages."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from rtcm.core.content import contains_q_any_language
from rtcm.core.forms import StyledFormMixin
from rtcm.core.models import Region


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TrainingListFilterForm(StyledFormMixin, forms.Form):
    """The list's filters; a bad value is shown beside its field and left out."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Training.Status.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Target region"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filter(self, queryset: QuerySet[Training]) -> QuerySet[Training]:
        """``queryset`` narrowed by the valid filters (the invalid ones are dropped)."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        if term := (data.get("q") or "").strip():
            queryset = queryset.filter(contains_q_any_language(("title",), term))
        if status := data.get("status"):
            queryset = queryset.filter(status=status)
        if region := data.get("region"):
            # Through a subquery: no duplicate rows, no skewed counts.
            queryset = queryset.filter(
                pk__in=Training.objects.filter(target_regions=region).values("pk")
            )
        # Any overlap with the period: ends on or after its start, starts on or before its end.
        if start := data.get("date_from"):
            queryset = queryset.filter(Q(end_date__gte=start))
        if end := data.get("date_to"):
            queryset = queryset.filter(Q(start_date__lte=end))
        return queryset


class TrainingCancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to everyone registered, with the news that the training is cancelled."),
    )


class TrainingCloneForm(StyledFormMixin, forms.Form):
    start_date = forms.DateField(label=_("New start date"), widget=DateInput())
    # No max_length here: the service refuses a title too long, with its message.
    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("Leave empty to keep the title of the training cloned."),
    )
