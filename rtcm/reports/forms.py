"""The staff's report form. It offers only what the person may run; the rules are the
service's (``report_request_validate``), whose errors land beside their fields."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from courses.models import Organisation, Programme, ProgrammeOrganisation, Topic, Training
from rtcm.core.forms import add_domain_error
from rtcm.core.models import Region
from rtcm.reports.render import FORMATS
from rtcm.reports.services import (
    ReportRequest,
    report_kinds_for,
    report_request_validate,
    reports_trainings_for,
)

KIND_LABELS = {
    "training": _("One training"),
    "activity": _("Activity over a period"),
    "coverage": _("Curriculum coverage over a period"),
    "programme": _("One programme, for its donors"),
}
FORMAT_LABELS = {"pdf": _("PDF"), "xlsx": _("Excel (XLSX)"), "csv": _("CSV (ZIP of tables)")}


class DateInput(forms.DateInput):
    input_type = "date"


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar quarter of ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = day.replace(month=first_month, day=1)
    next_start = (start + dt.timedelta(days=92)).replace(day=1)
    return start, next_start - dt.timedelta(days=1)


def dates_text(start: dt.date, end: dt.date) -> str:
    """ "12–16 May 2027", "28 May – 2 June 2027", "30 Dec 2026 – 3 Jan 2027"."""
    last = date_format(end, "DATE_FORMAT")
    if start == end:
        return last
    if (start.year, start.month) == (end.year, end.month):
        return f"{date_format(start, 'j')}–{last}"
    if start.year == end.year:
        return f"{date_format(start, 'MONTH_DAY_FORMAT')} – {last}"
    return f"{date_format(start, 'DATE_FORMAT')} – {last}"


class TrainingChoiceField(forms.ModelChoiceField):
    """Titles repeat (most trainings are re-runs): each choice shows its dates and city."""

    def label_from_instance(self, obj: Training) -> str:
        place = _("Online") if obj.is_online else obj.venue_city
        when = dates_text(obj.start_date, obj.end_date)
        return f"{obj.title} — {when}, {place}" if place else f"{obj.title} — {when}"


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    training = TrainingChoiceField(
        label=_("Training"),
        queryset=Training.objects.none(),
        to_field_name="slug",
        required=False,
        help_text=_("For the report of one training."),
    )
    start = forms.DateField(
        label=_("Period from"), required=False, widget=DateInput(format="%Y-%m-%d")
    )
    end = forms.DateField(label=_("Period to"), required=False, widget=DateInput(format="%Y-%m-%d"))
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
        help_text=_("Activity report only."),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
        help_text=_("Activity report only."),
    )
    training_format = forms.ChoiceField(
        label=_("Training format"),
        required=False,
        help_text=_("Activity report only."),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All programmes"),
        help_text=_(
            "For the programme report (its period is optional), or to filter the activity report."
        ),
    )
    donor = forms.ModelChoiceField(
        label=_("Donor"),
        queryset=Organisation.objects.filter(
            pk__in=ProgrammeOrganisation.objects.filter(
                role=ProgrammeOrganisation.Role.DONOR
            ).values("organisation")
        ),
        to_field_name="slug",
        required=False,
        empty_label=_("All donors"),
        help_text=_("Activity report only."),
    )
    format = forms.ChoiceField(label=_("File format"), initial="pdf")

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # A sensible default: this quarter.
            start, end = quarter_of(timezone.localdate())
            self.initial.setdefault("start", start)
            self.initial.setdefault("end", end)
        self.fields["kind"].choices = [(kind, KIND_LABELS[kind]) for kind in report_kinds_for(user)]
        self.fields["training"].queryset = reports_trainings_for(user)
        self.fields["training_format"].choices = [
            ("", _("All formats")),
            *Training.Format.choices,
        ]
        self.fields["format"].choices = [(fmt, FORMAT_LABELS.get(fmt, fmt)) for fmt in FORMATS]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        self.report_request: ReportRequest | None = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.report_request = report_request_validate(cleaned)
        except ValidationError as error:
            add_domain_error(self, error)
        return cleaned
