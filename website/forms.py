"""The contact form, and the news item's admin form (its image checked by content)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from rtcm.core.content import localized_fields
from rtcm.core.forms import StyledFormMixin, clean_person_name
from rtcm.core.uploads import UploadRefused
from website import services
from website.models import NewsItem

# The honeypot: a field people never see (its wrapper is hidden by a CSS class) and
# robots fill in. A form that comes back with it filled is thanked and dropped.
HONEYPOT_FIELD = "website"


class ContactForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    topic = forms.CharField(label=_("Subject"), max_length=200)
    # No max_length here: the service's rule gives the message beside the field.
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 5000 characters and 3 links."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_name(self) -> str:
        return clean_person_name(self.cleaned_data["name"])

    def clean_message(self) -> str:
        text = self.cleaned_data.get("message", "")
        problem = services.contact_message_problem(text)
        if problem:
            raise ValidationError(problem)
        return text.strip()

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled in (judged on the raw data: it needs no validation)."""
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())


class NewsItemAdminForm(forms.ModelForm):
    """The news item in the admin: an uploaded image is decoded and stored re-encoded."""

    class Meta:
        model = NewsItem
        fields = [
            *localized_fields("title"),
            "slug",
            *localized_fields("summary"),
            *localized_fields("body"),
            "image",
            *localized_fields("image_alt"),
            "programme",
            "status",
            "published_at",
        ]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not isinstance(image, UploadedFile):
            return image  # unchanged or cleared
        try:
            return services.news_image_check(image)
        except UploadRefused as error:
            raise ValidationError(str(error.message)) from error
