"""The staff's report form. It offers only what the person may run; the rules are the
service's (``report_request_validate``), whose errors land beside their fields."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.models import Topic, Training
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
}
FORMAT_LABELS = {"pdf": _("PDF"), "xlsx": _("Excel (XLSX)"), "csv": _("CSV (ZIP of tables)")}


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    training = forms.ModelChoiceField(
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
    format = forms.ChoiceField(label=_("File format"), initial="pdf")

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
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
