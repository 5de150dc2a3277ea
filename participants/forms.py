import re

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import PERSON_FIELDS, Participant
from rtcm.core.forms import style_fields


class RegistrationForm(forms.Form):
    """The public registration form: who the person is, and their consent.

    A plain form built from the model's fields, not a ModelForm: the e-mail may
    already belong to a participant, which the service handles (it reuses the
    person), so the model's uniqueness checks must not turn it into a form error.
    """

    consent = forms.BooleanField(
        label=_(
            "I agree that the center stores these details to organise the training "
            "and issue my certificate."
        ),
        error_messages={"required": _("Please give your consent to register.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person_fields = forms.fields_for_model(
            Participant,
            fields=PERSON_FIELDS,
            widgets={
                "email": forms.EmailInput(attrs={"autocomplete": "email"}),
                "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
                "given_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
                "family_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
                "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            },
        )
        consent = self.fields.pop("consent")
        self.fields.update(person_fields)
        self.fields["consent"] = consent
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)

    def clean_given_name(self) -> str:
        return _clean_name(self.cleaned_data["given_name"])

    def clean_family_name(self) -> str:
        return _clean_name(self.cleaned_data["family_name"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"\+?[0-9 ()\-.]{5,30}", phone):
            raise forms.ValidationError(
                _("Please enter a phone number with digits only, e.g. +998 71 123 45 67.")
            )
        return phone


def _clean_name(value: str) -> str:
    """Names in any script; refuse only text that cannot be a name (digits, markup)."""
    value = " ".join(value.split())
    if any(ch.isdigit() for ch in value) or any(ch in value for ch in "<>{}[]@/\\"):
        raise forms.ValidationError(_("Please enter a name without digits or symbols."))
    return value


class CancelForm(forms.Form):
    """Cancelling is a deliberate act: the person ticks a box to confirm."""

    confirm = forms.BooleanField(
        label=_("Yes, cancel my registration"),
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )
