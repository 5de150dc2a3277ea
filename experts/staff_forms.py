"""Forms of the expert network's staff pages: the list's filters, vetting, notes, trainers.

They only read and check what the staff typed; every change goes through
``experts.services``, whose refusals the views put back beside the field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from experts.models import Expert
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
