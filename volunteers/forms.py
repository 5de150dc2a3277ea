"""The public application to the Migration Volunteers.

The form checks what a form can (required fields, formats, choice lists, the
names' scripts); the rules — consent, one application per e-mail — are the
service's, and its messages are shown beside the fields (``volunteers.views.apply``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participants.forms import LATIN_NAME_WIDGETS, clean_latin_name
from rtcm.core.forms import clean_person_name, clean_phone_number, style_fields
from rtcm.core.privacy import Purpose, consent_text
from volunteers.models import Volunteer

TEXT_MAX_LENGTH = 3000
# What an application writes on the volunteer's row (languages and skills apart).
APPLICATION_FIELDS = (
    "given_name",
    "family_name",
    "given_name_latin",
    "family_name_latin",
    "email",
    "phone",
    "country",
    "city",
)


def language_choices() -> list[tuple[str, str]]:
    """The content languages of the settings (the center's own first, as listed there)."""
    return [(code, str(name)) for code, name in settings.RTCM_CONTENT_LANGUAGES]


class ApplicationForm(forms.Form):
    """The public application (a plain form: ``services.volunteer_apply`` writes)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language you speak.")},
    )
    skills = forms.MultipleChoiceField(
        label=_("How you would like to help"),
        choices=Volunteer.Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way you would like to help.")},
        help_text=_("Choose at least one."),
    )
    availability = forms.CharField(
        label=_("Availability"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("For example: weekends, some weekdays, during university holidays."),
    )
    motivation = forms.CharField(
        label=_("Why you would like to volunteer"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    # Not required here: the service refuses an application without it, with its message.
    consent = forms.BooleanField(label=consent_text(Purpose.VOLUNTEERING).text, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person_fields = forms.fields_for_model(
            Volunteer,
            fields=APPLICATION_FIELDS,
            widgets={
                "given_name": forms.TextInput(attrs={"autocomplete": "given-name", "dir": "auto"}),
                "family_name": forms.TextInput(
                    attrs={"autocomplete": "family-name", "dir": "auto"}
                ),
                "given_name_latin": LATIN_NAME_WIDGETS["given_name_latin"],
                "family_name_latin": LATIN_NAME_WIDGETS["family_name_latin"],
                "email": forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
                "phone": forms.TextInput(
                    attrs={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}
                ),
                "city": forms.TextInput(attrs={"autocomplete": "address-level2", "dir": "auto"}),
            },
        )
        person_fields["given_name_latin"].help_text = _(
            "Optional: your name as in your passport, for your certificate of service."
        )
        person_fields["email"].help_text = _(
            "The volunteers' office writes to you here. It is never published."
        )
        person_fields["phone"].help_text = _("Optional; never published.")
        self.fields = {**person_fields, **self.fields}
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)

    def clean_given_name(self) -> str:
        return clean_person_name(self.cleaned_data["given_name"])

    def clean_family_name(self) -> str:
        return clean_person_name(self.cleaned_data["family_name"])

    def clean_given_name_latin(self) -> str:
        return clean_latin_name(self.cleaned_data["given_name_latin"])

    def clean_family_name_latin(self) -> str:
        return clean_latin_name(self.cleaned_data["family_name_latin"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def volunteer_data(self, *, correspondence_language: str) -> dict:
        """The fields ``services.volunteer_apply`` takes as ``data``."""
        data = {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}
        data["availability"] = self.cleaned_data["availability"]
        data["motivation"] = self.cleaned_data["motivation"]
        data["correspondence_language"] = correspondence_language
        return data
