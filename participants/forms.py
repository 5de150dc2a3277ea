from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import PERSON_FIELDS, Participant
from participants.names import CERTIFICATE_NAME_FIELDS, validate_latin_name
from participants.services.self_service import CONTACT_FIELDS
from rtcm.core.forms import StyledFormMixin, clean_person_name, clean_phone_number, style_fields
from rtcm.core.privacy import Purpose, consent_text

# The optional consent checkboxes, by field name (the API's booleans have the same names).
OPTIONAL_CONSENT_FIELDS = {
    "photo_consent": Purpose.PHOTO,
    "newsletter_consent": Purpose.NEWSLETTER,
}


class RegistrationForm(forms.Form):
    """The public registration form: who the person is, and their consent.

    A plain form built from the model's fields, not a ModelForm: the e-mail may
    already belong to a participant, which the service handles (it reuses the
    person), so the model's uniqueness checks must not turn it into a form error.
    """

    # The texts and versions are ``rtcm.core.privacy``'s: what is recorded is what is shown.
    consent = forms.BooleanField(
        label=consent_text(Purpose.REGISTRATION).text,
        error_messages={"required": _("Please give your consent to register.")},
    )
    photo_consent = forms.BooleanField(label=consent_text(Purpose.PHOTO).text, required=False)
    newsletter_consent = forms.BooleanField(
        label=consent_text(Purpose.NEWSLETTER).text, required=False
    )

    def __init__(self, *args, training=None, **kwargs):
        super().__init__(*args, **kwargs)
        person_fields = forms.fields_for_model(
            Participant,
            fields=[*PERSON_FIELDS, *CERTIFICATE_NAME_FIELDS],
            widgets={
                "email": forms.EmailInput(attrs={"autocomplete": "email"}),
                "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
                "given_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
                "family_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
                "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
                **LATIN_NAME_WIDGETS,
            },
        )
        optional_name_on_certificate(person_fields["name_on_certificate"])
        consents = {name: self.fields.pop(name) for name in ("consent", *OPTIONAL_CONSENT_FIELDS)}
        self.fields.update(person_fields)
        self.questions = list(training.questions.all()) if training is not None else []
        for question in self.questions:
            self.fields[question_field_name(question)] = question_field(question)
        self.fields.update(consents)
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)

    @property
    def question_fields(self):
        return [self[question_field_name(question)] for question in self.questions]

    def answers(self) -> dict[int, object]:
        """The cleaned answers by question id, in the shape ``Answer.value`` stores."""
        return {
            question.pk: self.cleaned_data.get(question_field_name(question))
            for question in self.questions
        }

    def consents(self) -> list[str]:
        """The purposes the person agreed to: registration, and the optional boxes ticked."""
        return [Purpose.REGISTRATION] + [
            purpose
            for name, purpose in OPTIONAL_CONSENT_FIELDS.items()
            if self.cleaned_data.get(name)
        ]

    @property
    def optional_consent_fields(self):
        return [self[name] for name in OPTIONAL_CONSENT_FIELDS]

    def person_data(self) -> dict[str, object]:
        return {
            name: self.cleaned_data[name]
            for name in [*PERSON_FIELDS, *CERTIFICATE_NAME_FIELDS]
            if name in self.cleaned_data
        }

    def clean_given_name(self) -> str:
        return clean_person_name(self.cleaned_data["given_name"])

    def clean_family_name(self) -> str:
        return clean_person_name(self.cleaned_data["family_name"])

    def clean_given_name_latin(self) -> str:
        return clean_latin_name(self.cleaned_data["given_name_latin"])

    def clean_family_name_latin(self) -> str:
        return clean_latin_name(self.cleaned_data["family_name_latin"])

    def clean_name_on_certificate(self) -> str:
        return self.cleaned_data["name_on_certificate"] or Participant.NameOnCertificate.AS_WRITTEN

    def clean(self):
        cleaned = super().clean()
        check_latin_name_for_certificate(self)
        return cleaned

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])


# The Latin name's inputs: typed as in a passport, never "corrected" by the browser.
LATIN_NAME_WIDGETS = {
    "given_name_latin": forms.TextInput(
        attrs={"lang": "en", "dir": "ltr", "autocapitalize": "words", "spellcheck": "false"}
    ),
    "family_name_latin": forms.TextInput(
        attrs={"lang": "en", "dir": "ltr", "autocapitalize": "words", "spellcheck": "false"}
    ),
    "name_on_certificate": forms.RadioSelect,
}


def optional_name_on_certificate(field: forms.Field) -> None:
    """Left out (the API, an import), the name goes on the certificate as written."""
    field.required = False
    field.choices = Participant.NameOnCertificate.choices  # no "---------"


def clean_latin_name(value: str) -> str:
    """A Latin name tidied and checked (``participants.names.validate_latin_name``)."""
    value = " ".join(value.split())
    if value:
        validate_latin_name(value)
    return value


def check_latin_name_for_certificate(form: forms.BaseForm) -> None:
    """The certificate cannot print a Latin name the person did not give."""
    choice = form.cleaned_data.get("name_on_certificate")
    latin = form.cleaned_data.get("given_name_latin") or form.cleaned_data.get("family_name_latin")
    if choice in ("latin", "both") and not latin and "given_name_latin" not in form.errors:
        form.add_error(
            "given_name_latin",
            _("Give your name in Latin letters to have it printed on the certificate."),
        )


def question_field_name(question) -> str:
    return f"question_{question.pk}"


class YesNoField(forms.TypedChoiceField):
    """Yes / no as radio buttons, so that "not answered" is distinct from "no"."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **kwargs,
        )


def question_field(question) -> forms.Field:
    """The form field for one of a training's extra questions."""
    from courses.models import Question

    common = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    kind = question.kind
    if kind == Question.Kind.SHORT_TEXT:
        return forms.CharField(max_length=300, **common)
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == Question.Kind.YES_NO:
        return YesNoField(**common)
    choices = [(choice, choice) for choice in question.choice_list]
    if kind == Question.Kind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)


class CancelForm(forms.Form):
    """Cancelling is a deliberate act: the person ticks a box to confirm."""

    confirm = forms.BooleanField(
        label=_("Yes, cancel my registration"),
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )


class ContactDetailsForm(StyledFormMixin, forms.ModelForm):
    """What a person may change about themselves from their manage link.

    Names and e-mail stay as registered: certificates carry the name, and the
    e-mail identifies the person; staff correct those on request.
    """

    class Meta:
        model = Participant
        fields = CONTACT_FIELDS  # what participant_update_contact saves
        widgets = LATIN_NAME_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        optional_name_on_certificate(self.fields["name_on_certificate"])

    clean_phone = RegistrationForm.clean_phone
    clean_given_name_latin = RegistrationForm.clean_given_name_latin
    clean_family_name_latin = RegistrationForm.clean_family_name_latin
    clean_name_on_certificate = RegistrationForm.clean_name_on_certificate

    def clean(self):
        cleaned = super().clean()
        check_latin_name_for_certificate(self)
        return cleaned


class ConsentChoicesForm(forms.Form):
    """The optional consents a person keeps or withdraws from their manage page."""

    photo_consent = RegistrationForm.base_fields["photo_consent"]
    newsletter_consent = RegistrationForm.base_fields["newsletter_consent"]

    def purposes(self) -> list[str]:
        return [
            purpose
            for name, purpose in OPTIONAL_CONSENT_FIELDS.items()
            if self.cleaned_data.get(name)
        ]

    @classmethod
    def initial_for(cls, active: set[str]) -> dict[str, bool]:
        return {name: purpose in active for name, purpose in OPTIONAL_CONSENT_FIELDS.items()}


class SignInRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
