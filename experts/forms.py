"""Public forms of the expert network: the directory's search box and the application.

The application form checks what a form can (required fields, formats, the
choice lists); the rules of the network — consent, one application per
e-mail, what a CV or photo may be — are the service's, and its messages are
shown beside the fields they concern (``experts.views.apply``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import Topic
from experts.models import WORKING_LANGUAGE_NAMES, WORKING_LANGUAGES, Expert
from rtcm.core.forms import clean_person_name, clean_phone_number, style_fields
from rtcm.core.privacy import Purpose, consent_text

BIO_MAX_LENGTH = 5000
# What an application writes on the expert's row (files, topics and languages apart).
APPLICATION_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "country",
    "organisation",
    "position",
)


def _by_label(choices) -> list[tuple[str, str]]:
    return sorted(choices, key=lambda choice: (str(choice[1]).casefold(), choice[0]))


def language_choices() -> list[tuple[str, str]]:
    """The center's own languages first (in the order of the settings), then the rest by name."""
    center = [code for code, _name in settings.LANGUAGES if code in WORKING_LANGUAGE_NAMES]
    first = [(code, str(WORKING_LANGUAGE_NAMES[code])) for code in center]
    rest = _by_label(
        (code, str(name)) for code, name in WORKING_LANGUAGES if code not in set(center)
    )
    return first + rest


def _cv_help_text() -> str:
    return str(
        _("PDF, DOCX or ODT, at most %(size)s. Only the network office sees it.")
        % {"size": filesizeformat(settings.RTCM_EXPERT_CV_MAX_BYTES)}
    )


def _photo_help_text() -> str:
    return str(
        _("Optional. JPEG, PNG or WebP, at most %(size)s. It is shown on your public profile.")
        % {"size": filesizeformat(settings.RTCM_EXPERT_PHOTO_MAX_BYTES)}
    )


FILES_AGAIN = _("Files are not kept when the form has an error: please choose it again.")


class ApplicationForm(forms.Form):
    """The public application to join the network (a plain form: the service writes)."""

    expertise = forms.ModelMultipleChoiceField(
        label=_("Areas of expertise"),
        queryset=Topic.objects.order_by("position", "name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one area of expertise.")},
        help_text=_("Choose at least one."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language you work in.")},
        help_text=_("The languages you can teach, write or advise in."),
    )
    bio = forms.CharField(
        label=_("Biography"),
        max_length=BIO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=_(
            "Your experience in migration, in a few paragraphs (at most 5,000 characters). "
            "It is shown on your public profile."
        ),
    )
    cv = forms.FileField(
        label=_("CV"),
        help_text=lazy(_cv_help_text, str)(),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.odt,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.oasis.opendocument.text"
            }
        ),
        error_messages={"required": _("Please attach your CV.")},
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=lazy(_photo_help_text, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    # Not required here: the service refuses an application without it, with its message.
    # Its text and version are ``rtcm.core.privacy``'s: what is recorded is what is shown.
    consent = forms.BooleanField(
        label=consent_text(Purpose.EXPERT_PROFILE).text,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person_fields = forms.fields_for_model(
            Expert,
            fields=APPLICATION_FIELDS,
            widgets={
                "given_name": forms.TextInput(attrs={"autocomplete": "given-name", "dir": "auto"}),
                "family_name": forms.TextInput(
                    attrs={"autocomplete": "family-name", "dir": "auto"}
                ),
                "email": forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
                "phone": forms.TextInput(
                    attrs={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}
                ),
                "organisation": forms.TextInput(
                    attrs={"autocomplete": "organization", "dir": "auto"}
                ),
                "position": forms.TextInput(
                    attrs={"autocomplete": "organization-title", "dir": "auto"}
                ),
            },
        )
        person_fields["email"].help_text = _(
            "The network office writes to you here; it is never shown on your profile."
        )
        person_fields["phone"].help_text = _("Optional; never shown on your profile.")
        self.fields = {**person_fields, **self.fields}
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)

    @property
    def center_language_codes(self) -> set[str]:
        return {code for code, _name in settings.LANGUAGES}

    @property
    def other_languages_chosen(self) -> bool:
        """Whether a language beyond the center's own is ticked (its list then shows open)."""
        chosen = self["languages"].value() or []
        return any(code not in self.center_language_codes for code in chosen)

    def clean_given_name(self) -> str:
        return clean_person_name(self.cleaned_data["given_name"])

    def clean_family_name(self) -> str:
        return clean_person_name(self.cleaned_data["family_name"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def expert_data(self, *, correspondence_language: str) -> dict:
        """The profile fields ``services.expert_apply`` takes as ``data``."""
        data = {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}
        data["bio"] = self.cleaned_data["bio"]
        data["correspondence_language"] = correspondence_language
        return data

    def ask_for_files_again(self) -> None:
        """After an error the browser forgets the chosen files: say so beside each of them."""
        for name in ("cv", "photo"):
            field = self.fields[name]
            field.help_text = format_lazy("{} {}", field.help_text, FILES_AGAIN)
            self[name].help_text = field.help_text  # the bound field copied the old one


class TrainerRatingForm(forms.Form):
    """A participant's rating of one trainer of one session (the manage page).

    The page shows one per trainer and session, each with its own prefix; the
    service checks that the person may rate that trainer.
    """

    score = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[
            ("", _("Choose…")),
            (5, _("5 — excellent")),
            (4, _("4 — good")),
            (3, _("3 — fair")),
            (2, _("2 — poor")),
            (1, _("1 — very poor")),
        ],
        coerce=int,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def full_clean(self):
        super().full_clean()
        self._style()

    def _style(self) -> None:
        style_fields(self)
