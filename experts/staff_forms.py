"""Forms of the expert network's staff pages: the list's filters, vetting, notes, trainers.

They only read and check what the staff typed; every change goes through
``experts.services``, whose refusals the views put back beside the field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from experts import selectors
from experts.models import WORKING_LANGUAGES, Expert
from rtcm.core.forms import style_fields


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def full_clean(self):
        super().full_clean()
        self._style()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._style()  # also for a service's refusal, added after cleaning

    def _style(self) -> None:
        style_fields(self)


class ExpertFilterForm(StyledForm):
    """The staff list's search and filters, read from the query string; bad values are dropped.

    Topic and region choices are given by the view (read once per page), so
    that rendering and checking the form query nothing.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=selectors.MAX_QUERY_LENGTH)
    status = forms.ChoiceField(label=_("Status"), required=False)
    topic = forms.ChoiceField(label=_("Expertise"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Working language"), required=False)

    def __init__(self, *args, topics=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Expert.Status.choices]
        self.fields["topic"].choices = [("", _("All topics")), *topics]
        self.fields["region"].choices = [("", _("All regions")), *regions]
        self.fields["country"].choices = [("", _("All countries")), *countries]
        self.fields["language"].choices = [("", _("All languages")), *WORKING_LANGUAGES]
        self._style()

    def filters(self) -> dict:
        """Keyword arguments of ``selectors.expert_directory`` (without ``staff``)."""
        if not self.is_bound:
            return {"query": ""}
        self.is_valid()  # a broken filter is dropped, the others apply
        data = self.cleaned_data
        return {
            "query": (data.get("q") or "").strip(),
            "status": data.get("status") or None,
            "topic": data.get("topic") or None,
            "region": data.get("region") or None,
            "country": data.get("country") or None,
            "language": data.get("language") or None,
        }


class VettingForm(StyledForm):
    """The message that goes with a status change (required to decline, by the service)."""

    note = forms.CharField(
        label=_("Message to the expert"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent in the e-mail that tells the expert of the change."),
    )


class StaffNotesForm(StyledForm):
    staff_notes = forms.CharField(
        label=_("Staff notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen by staff only: never on a public page, export or e-mail."),
    )


class TrainerForm(forms.Form):
    """A session of the training and an expert: to book or to remove as a trainer."""

    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=Expert.objects.all())

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = training.sessions.select_related("training")
