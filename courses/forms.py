import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Topic, Training
from courses.selectors import CatalogueFilters
from rtcm.core.forms import style_fields
from rtcm.core.models import Region


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters, read from the query string. Bad values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("All formats")), *Training.Format.choices],
        required=False,
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    past = forms.BooleanField(label=_("Past trainings"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)

    def to_filters(self) -> CatalogueFilters:
        # A broken filter (say, a month typed by hand) is dropped and shown as an
        # error beside its field; the valid ones still apply.
        self.is_valid()
        data = self.cleaned_data
        region = data.get("region")
        month: dt.date | None = data.get("month")
        return CatalogueFilters(
            topic=data.get("topic"),
            region=region.code if region else None,
            format=data.get("format") or None,
            month=month,
            past=bool(data.get("past")),
            query=(data.get("q") or "").strip(),
        )
